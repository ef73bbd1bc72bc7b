import { ReadBatch, ReadRequest, ResourceType } from '../provider-adapter';
import { mapNexAppointment } from './appointment.mapper';
import { Mapped } from '../common/read-batch';
import { CursorStream, fetchList, readCursorStreams, walkPages } from './cursor-reader';
import { NexHealthClient } from './http-client';
import { NexHealthConfig } from './nexhealth.config';
import { mapNexPatient, NexPatientJson } from './patient.mapper';
import { mapNexBalance, mapNexCoverage, mapNexDocument, mapNexOperatory, mapNexProvider } from './records.mapper';

const DAY = 86_400_000;

/** `updated_since` of a full guarantor_balances pass: the endpoint requires guarantor_id or updated_since (OpenAPI getGuarantorBalances). */
const EPOCH = '1970-01-01T00:00:00.000Z';

/** The query every stream of the integration sends. */
function scoped(config: NexHealthConfig, location: boolean): Record<string, string | number> {
  return location ? { subdomain: config.subdomain, location_id: config.locationId } : { subdomain: config.subdomain };
}

/**
 * The location's patients only: without `location_strict=true` GET /patients searches across the
 * whole EHR system, so a location sharing its EHR with others would store their patients under its
 * own `clinicExternalId` ([NEX-OAS] getPatients, parameter location_strict).
 */
function locationPatients(config: NexHealthConfig): Record<string, string | number | boolean> {
  return { ...scoped(config, true), location_strict: true };
}

/** Page size of the ids-only pass over the location's patients (NexHealth's maximum per_page). */
const ID_PAGE_SIZE = 1000;

/**
 * The ids of the location's patients, for lists NexHealth answers per institution (insurance
 * coverages): GET /patients with location_strict, 1,000 per page, ids kept only. One request per
 * 1,000 patients, made once per pass and only when such a list is read.
 * @throws ProviderException as the client raises it (the read fails or retries as any call does).
 */
async function locationPatientIds(client: NexHealthClient, config: NexHealthConfig): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of walkPages(client, '/patients', { ...locationPatients(config), per_page: ID_PAGE_SIZE })) {
    for (const row of page.rows) ids.add(String(row.id));
  }
  return ids;
}

/**
 * The read of one resource (§3 endpoints), chosen to spend the fewest requests under the rate limits:
 * - patients: GET /patients of the location (`location_strict=true`), paged (per_page up to 1000), incremental by updated_since;
 * - appointments: GET /appointments of the location in one wide window (now − lookback … now + lookahead,
 *   fixed per pass), paged, incremental. One request per 1000 appointments instead of one per patient
 *   (or per 25 patients with patient_ids[]): the 10 req/s appointments limit makes per-patient reads the slowest path;
 * - coverages: GET /insurance_coverages for the institution (active, then inactive), paged, incremental,
 *   keeping those of the location's patients (ids read once per pass, 1,000 per request);
 * - documents: GET /patients/{id}/documents per patient of the location (NexHealth has no document list):
 *   a full pass for every patient, an incremental only for patients new or changed since the checkpoint
 *   (updated_since), so an unchanged location costs one request instead of one per patient; a document
 *   added to or deleted from an unchanged patient shows at the periodic full pass (reconcileIntervalHours);
 * - providers: GET /providers of the location (active, then inactive), incremental;
 * - locations: GET /operatories of the location (our locations are operatories, like OpenDental's), incremental;
 * - balances: GET /guarantor_balances of the location with show_zero_balances, incremental (a full pass sends updated_since 1970).
 */
export function readResource(client: NexHealthClient, config: NexHealthConfig, resource: ResourceType, request: ReadRequest, overlapMs: number, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const read = (streams: CursorStream[], map: (row: Record<string, unknown>) => Mapped | Mapped[] | Promise<Mapped | Mapped[]>) =>
    readCursorStreams(client, streams, request, config.pageSize, map, overlapMs, signal);
  const patientOptions = { requireBirthdate: config.requireBirthdate, locationId: config.locationId };
  switch (resource) {
    case 'patients':
      return read([{ name: 'patients', path: '/patients', query: locationPatients(config), incremental: true }], (row) => mapNexPatient(row as NexPatientJson, patientOptions));
    case 'appointments':
      return read([{
        name: 'appointments', path: '/appointments', query: scoped(config, true), incremental: true,
        passParams: () => ({
          start: new Date(Date.now() - config.appointmentsLookbackDays * DAY).toISOString(),
          end: new Date(Date.now() + config.appointmentsLookaheadDays * DAY).toISOString(),
        }),
      }], mapNexAppointment);
    case 'coverages': {
      // Coverages are listed per institution: only those of the location's patients belong to this integration.
      let ofLocation: Promise<Set<string>> | null = null;
      return read([
        { name: 'coverages:active', path: '/insurance_coverages', query: { ...scoped(config, false), active: true }, incremental: true },
        { name: 'coverages:inactive', path: '/insurance_coverages', query: { ...scoped(config, false), active: false }, incremental: true },
      ], async (row) => (await (ofLocation ??= locationPatientIds(client, config))).has(String(row.patient_id)) ? mapNexCoverage(row) : []);
    }
    case 'documents':
      return read([{ name: 'documents:patients', path: '/patients', query: locationPatients(config), incremental: true }], async (patient) => {
        const docs = await fetchList(client, `/patients/${patient.id}/documents`, scoped(config, false));
        return docs.map((doc) => mapNexDocument(doc, String(patient.id)));
      });
    case 'providers':
      return read([
        { name: 'providers:active', path: '/providers', query: scoped(config, true), incremental: true },
        { name: 'providers:inactive', path: '/providers', query: { ...scoped(config, true), inactive: true }, incremental: true },
      ], mapNexProvider);
    case 'locations':
      return read([{ name: 'operatories', path: '/operatories', query: scoped(config, true), incremental: true }], mapNexOperatory);
    case 'balances':
      return read([{ name: 'balances', path: '/guarantor_balances', query: { ...scoped(config, true), show_zero_balances: true }, incremental: true, fullPassSince: EPOCH }], mapNexBalance);
    default:
      return (async function* none() {})();
  }
}
