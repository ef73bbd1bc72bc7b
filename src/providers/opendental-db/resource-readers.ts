import { CanonicalRecord, RecordIssue, ResourceType } from '../provider-adapter';
import { mapAppointment } from '../opendental-shared/appointment.mapper';
import { mapCoverage } from '../opendental-shared/coverage.mapper';
import { mapDocument } from '../opendental-shared/document.mapper';
import { PAT_STATUS, enumValue } from '../opendental-shared/enums';
import { mapPatient } from '../opendental-shared/patient.mapper';
import { mapOperatory, mapProvider } from '../opendental-shared/provider.mapper';
import { columnValue, KeysetQuery } from './keyset-stream';
import { OpenDentalDbConfig } from './opendental-db.config';

/** How one change stream of a resource is read and mapped; a resource may have several (rows, then tombstones). */
export interface StreamSpec {
  name: string;
  query: KeysetQuery;
  /** Maps a row to a record, a skip/failure issue, or a tombstone (`{ deletedExternalId }`). */
  map: (row: Record<string, unknown>) => CanonicalRecord | RecordIssue | { deletedExternalId: string };
}

function clinicFilter(config: OpenDentalDbConfig, column: string): { where: string[]; params: unknown[] } {
  if (!config.clinicNums?.length) return { where: [], params: [] };
  return { where: [`${column} IN (?)`], params: [config.clinicNums] };
}

function patientStatusFilter(config: OpenDentalDbConfig): { where: string[]; params: unknown[] } {
  if (!config.patientStatuses?.length) return { where: [], params: [] };
  // Deleted is always read so a patient who becomes Deleted is marked deleted in our store.
  const values = [...config.patientStatuses.map((s) => enumValue(PAT_STATUS, s)), enumValue(PAT_STATUS, 'Deleted')];
  return { where: ['PatStatus IN (?)'], params: [values] };
}

/** Columns of `document` that hold file content or signatures: never read (the mapper drops them; the REST API never sends bytes). */
const DOCUMENT_CONTENT_COLUMNS = ['RawBase64', 'Thumbnail', 'Signature', 'OcrResponseData'];

/** The insurance chain of each patplan row (§1.5): LEFT JOINs, so a broken link becomes the mapper's skip reason. */
const COVERAGE_JOIN = 'patplan'
  + ' LEFT JOIN inssub ON inssub.InsSubNum = patplan.InsSubNum'
  + ' LEFT JOIN insplan ON insplan.PlanNum = inssub.PlanNum'
  + ' LEFT JOIN carrier ON carrier.CarrierNum = insplan.CarrierNum';

/** A joined table's part of a nested row, or null when the LEFT JOIN found no row (its key is NULL). */
function joined(row: Record<string, unknown>, table: string, pk: string): Record<string, unknown> | null {
  const part = row[table] as Record<string, unknown> | undefined;
  return part && part[pk] !== null && part[pk] !== undefined ? part : null;
}

function merge(...parts: Array<{ where: string[]; params: unknown[] }>): { where: string[]; params: unknown[] } {
  return { where: parts.flatMap((p) => p.where), params: parts.flatMap((p) => p.params) };
}

/**
 * The streams of each resource the `opendental-db` adapter reads, following the OpenDental
 * schema (OpenDentalDocumentation25-4.xml): `patient`, `provider`, `operatory` (our
 * locations), `appointment` and `document`, each keyed by `(DateTStamp, primary key)`.
 * Appointments have a second stream, `deletedobject` rows with ObjectType 0 (Appointment),
 * read as tombstones.
 *
 * Coverages are the patplan → inssub → insplan → carrier chain, read whole on every sync
 * (keyed by PatPlanNum alone, no `until` bound): the four tables have only SecDateTEdit, an edit
 * of a carrier or plan changes every coverage under it, and patplans are hard-deleted with no
 * tombstone (§1.7), so no keyset over the join is sound. Documents are incremental by
 * DateTStamp; they are hard-deleted too (their deletedobject type is deprecated), so a deleted
 * document is not seen by either path. Both resources map with the shared mappers, as the
 * `opendental-api` adapter does, and match its scope: coverages of every patient, documents of
 * the patients of `clinicNums` when set.
 */
export function streamsFor(resource: ResourceType, config: OpenDentalDbConfig): StreamSpec[] {
  switch (resource) {
    case 'patients': {
      const filter = merge(clinicFilter(config, 'ClinicNum'), patientStatusFilter(config));
      return [{
        name: 'patient',
        query: { table: 'patient', pk: 'PatNum', ts: 'DateTStamp', columns: '*', ...filter },
        map: (row) => mapPatient(row, { requireBirthdate: config.requireBirthdate, timeZone: config.timeZone }),
      }];
    }
    case 'providers':
      return [{ name: 'provider', query: { table: 'provider', pk: 'ProvNum', ts: 'DateTStamp', columns: '*', where: [], params: [] }, map: mapProvider }];
    case 'locations':
      return [{
        name: 'operatory',
        query: { table: 'operatory', pk: 'OperatoryNum', ts: 'DateTStamp', columns: '*', ...clinicFilter(config, 'ClinicNum') },
        map: mapOperatory,
      }];
    case 'appointments':
      return [
        {
          name: 'appointment',
          // `confirmed` is the ApptConfirmed definition's name, as the REST API sends it beside the DefNum.
          query: {
            table: 'appointment', pk: 'AptNum', ts: 'DateTStamp', ...clinicFilter(config, 'ClinicNum'),
            columns: '*, (SELECT d.ItemName FROM definition d WHERE d.DefNum = appointment.Confirmed) AS confirmed',
          },
          map: (row) => mapAppointment(row, config.timeZone),
        },
        {
          name: 'deletedobject',
          query: { table: 'deletedobject', pk: 'DeletedObjectNum', ts: 'DateTStamp', columns: 'DeletedObjectNum, ObjectNum, DateTStamp', where: ['ObjectType = 0'], params: [] },
          map: (row) => ({ deletedExternalId: String(row.ObjectNum) }),
        },
      ];
    case 'coverages':
      return [{
        name: 'patplan',
        query: {
          table: COVERAGE_JOIN, pk: 'patplan.PatPlanNum', ts: null, nestTables: true,
          columns: 'patplan.*, inssub.*, insplan.*, carrier.*', where: [], params: [],
        },
        map: (row) => mapCoverage({
          patplan: row.patplan as Record<string, unknown>,
          inssub: joined(row, 'inssub', 'InsSubNum'),
          insplan: joined(row, 'insplan', 'PlanNum'),
          carrier: joined(row, 'carrier', 'CarrierNum'),
        }),
      }];
    case 'documents': {
      // The API lists documents per patient (GET /documents?PatNum=) of /patients/Simple?ClinicNum=: the same scope.
      const clinics = config.clinicNums?.length
        ? { where: ['PatNum IN (SELECT PatNum FROM patient WHERE ClinicNum IN (?))'], params: [config.clinicNums] as unknown[] }
        : { where: [], params: [] };
      return [{
        name: 'document',
        query: { table: 'document', pk: 'DocNum', ts: 'DateTStamp', columns: '*', omit: DOCUMENT_CONTENT_COLUMNS, ...clinics },
        map: (row) => mapDocument(row, config.timeZone),
      }];
    }
    default:
      return [];
  }
}

/**
 * The OpenDental tables each resource's read touches (its streams, joins and subqueries), for
 * the readability probe: a resource is readable when every one of them answers a `SELECT`.
 */
export function tablesFor(resource: ResourceType, config: OpenDentalDbConfig): string[] {
  switch (resource) {
    case 'patients': return ['patient'];
    case 'providers': return ['provider'];
    case 'locations': return ['operatory'];
    case 'appointments': return ['appointment', 'definition', 'deletedobject'];
    case 'coverages': return ['patplan', 'inssub', 'insplan', 'carrier'];
    case 'documents': return config.clinicNums?.length ? ['document', 'patient'] : ['document'];
    default: return [];
  }
}

/** Key column of each stream's rows, for checkpoints. */
export function pkOf(spec: StreamSpec, row: Record<string, unknown>): string {
  return String(columnValue(spec.query, row, spec.query.pk));
}
