/**
 * How one simulated vendor behaves, as data (issue 9: "prefer data over code in a profile"). The
 * facts are FHIR-R4.md §2 (the vendors' published CapabilityStatements and smart-configurations);
 * they are written down here separately from the adapters' profiles (src/providers/<vendor>/), so a
 * mistake in one is caught by the other.
 */
export interface FhirSandboxProfile {
  id: string;
  /** The name on the CapabilityStatement. */
  software: string;
  /** Page size parameter (null: the server picks, e.g. eClinicalWorks) and its default/maximum. */
  countParam: string | null;
  defaultCount: number;
  maxCount: number;
  /** The opaque page parameter of next links (`_cursor`; MEDITECH `continue`, athena `cursor`, eCW `page`, Cerner `pageContext`). */
  pageParam: string;
  /** Resource types that accept `_lastUpdated` (Cerner lacks it on Patient, Appointment…). */
  lastUpdated: readonly string[];
  /** `token_endpoint_auth_methods_supported` of its smart-configuration. */
  authMethods: readonly string[];
  /** Resource types served (others answer 404 not-supported and are left out of the CapabilityStatement). */
  types: readonly SandboxResourceType[];
  /**
   * Search parameter combinations a type requires, any one of them (athenahealth
   * `ah-search-parameter-metadata`, Epic patient-based searches, Cerner `date` with patient or
   * location). A search carrying none of them answers 400 OperationOutcome.
   */
  required: Partial<Record<SandboxResourceType, string[][]>>;
  /** A search parameter every search must carry with this value (`{tenant}` = the tenant path segment). */
  tenancyParam?: { name: string; template: string };
  /** How an expired search cursor is answered (fault `expiredCursor`): Epic 400 with detail code 4113, else 410 Gone as HAPI does. */
  expiredCursor?: { status: number; issue: string; detailCode?: string; text: string };
  /** Writes the vendor's FHIR API takes (FHIR-R4.md §5): Patient create; Appointment create with a Slot and status PATCH with If-Match, Slot search. */
  writes?: { patient: boolean; appointment: boolean };
  /** Bulk Data export levels offered (`system` `$export`, `group` `Group/{id}/$export`, `patient` `Patient/$export`). */
  bulk: readonly ('system' | 'group' | 'patient')[];
  /** Patient logical ids (`{tenant}`, `{n}` = the generated number), e.g. athenahealth `a-{tenant}.E-{n}`. */
  patientIdTemplate?: string;
}

/** Resource types every profile stores. */
export const SANDBOX_RESOURCE_TYPES = ['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference'] as const;
export type SandboxResourceType = (typeof SANDBOX_RESOURCE_TYPES)[number];

const ALL = SANDBOX_RESOURCE_TYPES;
const NO_APPOINTMENT = SANDBOX_RESOURCE_TYPES.filter((t) => t !== 'Appointment');
const KEY_OR_SECRET = ['private_key_jwt', 'client_secret_basic'];

export const FHIR_SANDBOX_PROFILES: Record<string, FhirSandboxProfile> = {
  'fhir-r4': {
    id: 'fhir-r4', software: 'EHR Sync Hub FHIR R4 sandbox (generic)', countParam: '_count', defaultCount: 50, maxCount: 1000, pageParam: '_cursor',
    lastUpdated: ALL, authMethods: KEY_OR_SECRET, types: ALL, required: {}, bulk: ['system', 'group', 'patient'],
  },
  // Epic: Patient search needs an identifier or demographics; Appointment, Coverage, DocumentReference are patient-based.
  epic: {
    id: 'epic', software: 'Epic (sandbox simulation)', countParam: '_count', defaultCount: 100, maxCount: 100, pageParam: 'sessionID',
    lastUpdated: [], authMethods: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'], types: ALL,
    required: { Patient: [['_id'], ['identifier']], Appointment: [['patient']], Coverage: [['patient']], DocumentReference: [['patient']] }, bulk: ['group'],
    expiredCursor: { status: 400, issue: 'processing', detailCode: '4113', text: 'Session ID for cached search results has expired.' },
    writes: { patient: true, appointment: false },
  },
  // Oracle Health: no _lastUpdated on Patient/Appointment/Location/Coverage; Appointment needs date with patient, practitioner or location.
  'oracle-health': {
    id: 'oracle-health', software: 'Oracle Health Millennium (sandbox simulation)', countParam: '_count', defaultCount: 50, maxCount: 100, pageParam: 'pageContext',
    lastUpdated: ['DocumentReference'], authMethods: KEY_OR_SECRET, types: ALL,
    required: { Appointment: [['date', 'patient'], ['date', 'location'], ['date', 'practitioner']], Coverage: [['patient']], DocumentReference: [['patient']] }, bulk: ['group', 'patient'],
    writes: { patient: true, appointment: true },
  },
  // athenahealth: ah-practice on every search; ah-search-parameter-metadata combos; _count + cursor.
  athenahealth: {
    id: 'athenahealth', software: 'athenahealth (sandbox simulation)', countParam: '_count', defaultCount: 10, maxCount: 50, pageParam: 'cursor',
    lastUpdated: ['Patient', 'Coverage', 'DocumentReference'], authMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'], types: ALL,
    required: { Patient: [['_id'], ['identifier']], Location: [['_id']], Practitioner: [['_id'], ['identifier']], Appointment: [['_id']], Coverage: [['patient'], ['_id']], DocumentReference: [['patient'], ['_id']] },
    tenancyParam: { name: 'ah-practice', template: 'Organization/a-1.Practice-{tenant}' },
    patientIdTemplate: 'a-{tenant}.E-{n}', bulk: ['group'],
  },
  // eClinicalWorks: `page` paging, no _count, no _lastUpdated, no Appointment.
  eclinicalworks: {
    id: 'eclinicalworks', software: 'eClinicalWorks FHIR Facade (sandbox simulation)', countParam: null, defaultCount: 20, maxCount: 20, pageParam: 'page',
    lastUpdated: [], authMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'], types: NO_APPOINTMENT, required: {}, bulk: ['system', 'group'],
  },
  // NextGen Enterprise: _lastUpdated everywhere, _maxresults instead of _count, no Appointment.
  nextgen: {
    id: 'nextgen', software: 'NextGen Enterprise FHIR (sandbox simulation)', countParam: '_maxresults', defaultCount: 25, maxCount: 100, pageParam: 'page',
    lastUpdated: NO_APPOINTMENT, authMethods: KEY_OR_SECRET, types: NO_APPOINTMENT, required: {}, bulk: [],
  },
  // MEDITECH Greenfield: _count + continue, no _lastUpdated, Appointment by date.
  meditech: {
    id: 'meditech', software: 'MEDITECH Greenfield US Core STU6 (sandbox simulation)', countParam: '_count', defaultCount: 25, maxCount: 100, pageParam: 'continue',
    lastUpdated: [], authMethods: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'], types: ALL, required: {}, bulk: ['group', 'patient'],
  },
  // Veradigm: no _count, no _lastUpdated, no Appointment.
  veradigm: {
    id: 'veradigm', software: 'Veradigm FHIR (sandbox simulation)', countParam: null, defaultCount: 25, maxCount: 25, pageParam: '_getpages',
    lastUpdated: [], authMethods: ['private_key_jwt'], types: NO_APPOINTMENT, required: {}, bulk: ['group'],
  },
};
