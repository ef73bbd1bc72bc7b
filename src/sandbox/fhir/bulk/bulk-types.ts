import type { SandboxResourceType } from '../profiles';

/** Where an export is kicked off: `[base]/$export`, `[base]/Patient/$export`, `[base]/Group/{id}/$export`. */
export type BulkLevel = 'system' | 'patient' | 'group';
export const BULK_LEVELS: readonly BulkLevel[] = ['system', 'patient', 'group'];

/** The one Group every tenant has: all its patients (Group-level exports name it). */
export const BULK_GROUP_ALL = 'all-patients';

/** Stored types in the Patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html): what Patient and Group exports hold. */
export const PATIENT_COMPARTMENT: readonly SandboxResourceType[] = ['Patient', 'Appointment', 'Coverage', 'DocumentReference'];

/**
 * Behaviour of the simulated Bulk server (FhirBulkSandbox.configure):
 * - `exportSeconds`: simulated time an export takes; real time = exportSeconds × timeScale;
 * - `retryAfterSeconds`: the `Retry-After` a status poll announces, simulated (sent as
 *   max(1, round(retryAfterSeconds × timeScale))): Cerner and eClinicalWorks answer hours (FHIR-R4.md §6);
 * - `timeScale`: 1 = real time; 1/3600 turns an hour into a second;
 * - `linesPerFile`: NDJSON lines per output file (Cerner splits into many small files);
 * - `redirectFiles`: file URLs answer 307 to another origin (`localhost` ↔ `127.0.0.1`), as Cerner's storage does;
 * - `requiresAccessToken`: the manifest's flag; file URLs then need the bearer token;
 * - `stallAfterLines`: when > 0, each file sends that many lines and then nothing, connection held open;
 * - `errorLines`: OperationOutcome lines of an `error` file in each manifest (0: `error: []`).
 */
export interface BulkSettings {
  exportSeconds: number;
  retryAfterSeconds: number;
  timeScale: number;
  linesPerFile: number;
  redirectFiles: boolean;
  requiresAccessToken: boolean;
  stallAfterLines: number;
  errorLines: number;
}

export const DEFAULT_BULK_SETTINGS: BulkSettings = {
  exportSeconds: 0, retryAfterSeconds: 120, timeScale: 1, linesPerFile: 1000, redirectFiles: false, requiresAccessToken: true, stallAfterLines: 0, errorLines: 0,
};

/** One NDJSON file of a job: output lines are `type` ids; deleted lines are `Type/id` references; error lines are the ids they name. */
export interface BulkFile {
  kind: 'output' | 'deleted' | 'error';
  type: string;
  refs: string[];
}

/** A kicked-off export. Times in epoch ms. */
export interface BulkExportJob {
  id: string;
  tenantKey: string;
  /** The tenant's FHIR base the files hang off. */
  base: string;
  request: string;
  transactionTime: string;
  files: BulkFile[];
  /** The secret of the storage origin's file URLs (a signed URL stand-in). */
  secret: string;
  startedAt: number;
  readyAt: number;
  requiresAccessToken: boolean;
}

const OPERATION_DEFINITIONS: Record<BulkLevel, string> = {
  system: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export',
  patient: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export',
  group: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export',
};

/** CapabilityStatement `rest.operation` entries of the served export levels (https://hl7.org/fhir/uv/bulkdata/CapabilityStatement-bulk-data.html). */
export function bulkOperations(levels: readonly BulkLevel[]): Array<{ name: string; definition: string }> {
  return levels.map((level) => ({ name: 'export', definition: OPERATION_DEFINITIONS[level] }));
}
