import { mapAppointment } from '../opendental-shared/appointment.mapper';
import { mapCoverage } from '../opendental-shared/coverage.mapper';
import { mapDocument } from '../opendental-shared/document.mapper';
import { mapPatient } from '../opendental-shared/patient.mapper';
import { mapOperatory, mapProvider } from '../opendental-shared/provider.mapper';
import { ReadBatch, ReadRequest, ResourceType } from '../provider-adapter';
import { ProviderExceptionCode } from '../provider.exception';
import { OpenDentalApiClient } from './http-client';
import { OpenDentalApiConfig } from './opendental-api.config';
import { OpenDentalApiException } from './retry-policy';
import { Mapped, RowMapper } from '../common/read-batch';
import { fetchAll, ListStream, readStreams } from './stream-reader';

/** One stream per configured clinic (`ClinicNum` filter), or one for the whole office. */
function perClinic(name: string, path: string, key: string, incremental: boolean, config: OpenDentalApiConfig): ListStream[] {
  if (!config.clinicNums) return [{ name, path, key, incremental, query: {} }];
  return config.clinicNums.map((clinicNum) => ({ name: `${name}:clinic:${clinicNum}`, path, key, incremental, query: { ClinicNum: clinicNum } }));
}

type Row = Record<string, unknown>;

function byKey(rows: Row[], key: string): Map<string, Row | null> {
  return new Map(rows.map((r) => [String(r[key]), r]));
}

/**
 * A row of a small reference list, fetched alone when it was created after the list was read
 * (the insurance lists are read first, the patplans afterwards). 404 → null.
 */
async function lookup(client: OpenDentalApiClient, cache: Map<string, Row | null>, path: string, id: unknown): Promise<Row | null> {
  const key = String(id ?? '0');
  if (key === '0' || key === '') return null;
  if (cache.has(key)) return cache.get(key)!;
  let row: Row | null = null;
  try {
    row = await client.get<Row>(`${path}/${key}`);
  } catch (error) {
    if (!(error instanceof OpenDentalApiException && error.code === ProviderExceptionCode.NOT_FOUND)) throw error;
  }
  cache.set(key, row);
  return row;
}

/**
 * Coverages (§1.5 chain patplans → inssubs → insplans → carriers): carriers, insplans and
 * inssubs are read whole first (none has a usable change filter), then the patplans are paged
 * and each is joined in memory and mapped by the shared mapCoverage. Read whole on every sync:
 * patplans are hard-deleted, so only a full pass shows a dropped coverage.
 */
async function* readCoverages(client: OpenDentalApiClient, config: OpenDentalApiConfig, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const carriers = byKey(await fetchAll(client, '/carriers', 'CarrierNum', {}, config.pageSize), 'CarrierNum');
  const plans = byKey(await fetchAll(client, '/insplans', 'PlanNum', {}, config.pageSize), 'PlanNum');
  const subs = byKey(await fetchAll(client, '/inssubs', 'InsSubNum', {}, config.pageSize), 'InsSubNum');
  const map: RowMapper = async (patplan) => {
    const inssub = await lookup(client, subs, '/inssubs', patplan.InsSubNum);
    const insplan = inssub ? await lookup(client, plans, '/insplans', inssub.PlanNum) : null;
    const carrier = insplan ? await lookup(client, carriers, '/carriers', insplan.CarrierNum) : null;
    return mapCoverage({ patplan, inssub, insplan, carrier });
  };
  yield* readStreams(client, [{ name: 'patplans', path: '/patplans', key: 'PatPlanNum', incremental: false, query: {} }], request, config.pageSize, map, signal);
}

/**
 * Documents: `GET /documents` needs a PatNum (§1.5), so the patients are paged and each
 * patient's documents listed (at least one request per patient: slow on a throttled key at
 * 1 request a second). An incremental pages only the patients new or changed since the
 * checkpoint (`DateTStamp`), so an unchanged office costs one request; a document added to or
 * deleted from an unchanged patient shows at the next full pass, which an incremental schedule
 * makes every `reconcileIntervalHours` (docs/sync-jobs.md). A batch never splits a patient, so
 * the checkpoint is the patient stream's position.
 */
function documentsOfPatients(client: OpenDentalApiClient, config: OpenDentalApiConfig, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const map: RowMapper = async (patient) => {
    const docs = await fetchAll(client, '/documents', 'DocNum', { PatNum: String(patient.PatNum) }, config.pageSize);
    return docs.map((doc): Mapped => mapDocument(doc, config.timeZone));
  };
  return readStreams(client, perClinic('documents:patients', '/patients/Simple', 'PatNum', true, config), request, config.pageSize, map, signal);
}

/**
 * The read of one resource (§1.5): patients from `/patients/Simple`, providers and appointments
 * incremental by `DateTStamp` = the previous pass's `serverDateTime`, documents for the patients
 * that changed; operatories (our locations) and coverages read whole. Shared mappers make the records the same as
 * the `opendental-db` adapter's. `balances` is not offered.
 */
export function readResource(client: OpenDentalApiClient, config: OpenDentalApiConfig, resource: ResourceType, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> | null {
  const page = config.pageSize;
  switch (resource) {
    case 'patients':
      return readStreams(client, perClinic('patients', '/patients/Simple', 'PatNum', true, config), request, page,
        (row) => mapPatient(row, { requireBirthdate: config.requireBirthdate, timeZone: config.timeZone }), signal);
    case 'providers':
      // ClinicNum would hide hidden providers and drop serverDateTime (§1.5): providers are read for the whole office.
      return readStreams(client, [{ name: 'providers', path: '/providers', key: 'ProvNum', incremental: true, query: {} }], request, page, mapProvider, signal);
    case 'appointments':
      return readStreams(client, perClinic('appointments', '/appointments', 'AptNum', true, config), request, page,
        (row) => mapAppointment(row, config.timeZone), signal);
    case 'locations':
      return readStreams(client, perClinic('operatories', '/operatories', 'OperatoryNum', false, config), request, page, mapOperatory, signal);
    case 'coverages':
      return readCoverages(client, config, request, signal);
    case 'documents':
      return documentsOfPatients(client, config, request, signal);
    default:
      return null;
  }
}
