import type { ResourceType } from '../../canonical';

/** Media type of every /fhir/R4 response (http://hl7.org/fhir/R4/http.html#mime-type). */
export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** The FHIR resource types served, and the `records.resource_type` each reads. */
export const SERVED_TYPES = {
  Patient: 'patients',
  Practitioner: 'providers',
  Location: 'locations',
  Appointment: 'appointments',
  Coverage: 'coverages',
  DocumentReference: 'documents',
} as const satisfies Record<string, ResourceType>;

export type FhirType = keyof typeof SERVED_TYPES;

/** FHIR search parameter types (http://hl7.org/fhir/R4/search.html#ptypes) we use. */
export type SearchParamType = 'token' | 'date' | 'string' | 'reference' | 'number';

/** One search parameter as the CapabilityStatement lists it. */
export interface SearchParamDef {
  name: string;
  type: SearchParamType;
  documentation: string;
}

const COMMON: SearchParamDef[] = [
  { name: '_id', type: 'token', documentation: 'Our record id (uuid); comma-separated ids match any.' },
  { name: 'identifier', type: 'token', documentation: 'system|value, value, or system|; comma-separated values match any.' },
  { name: '_lastUpdated', type: 'date', documentation: 'meta.lastUpdated with prefix eq, gt, ge, lt or le; repeat to bound both ends.' },
];
const PATIENT_REF: SearchParamDef = { name: 'patient', type: 'reference', documentation: 'Patient/<id> or <id>; comma-separated ids match any.' };

/** Search parameters per served type, in the order the CapabilityStatement lists them. */
export const SEARCH_PARAMS: Record<FhirType, SearchParamDef[]> = {
  Patient: [
    ...COMMON,
    { name: 'name', type: 'string', documentation: 'Starts-with match (case and accents ignored) on the family or first given name of the first name.' },
    { name: 'family', type: 'string', documentation: 'Starts-with match (case and accents ignored) on the first name\'s family; :exact for an exact match.' },
    { name: 'given', type: 'string', documentation: 'Starts-with match (case and accents ignored) on the first name\'s first given name; :exact for an exact match.' },
    { name: 'birthdate', type: 'date', documentation: 'yyyy, yyyy-MM or yyyy-MM-dd with prefix eq, gt, ge, lt or le.' },
    { name: 'gender', type: 'token', documentation: 'AdministrativeGender code: male, female, other, unknown.' },
  ],
  Practitioner: [...COMMON],
  Location: [...COMMON],
  Appointment: [
    ...COMMON,
    PATIENT_REF,
    { name: 'date', type: 'date', documentation: 'Appointment start with prefix eq, gt, ge, lt or le; dates without a time are UTC days.' },
    { name: 'status', type: 'token', documentation: 'AppointmentStatus code; comma-separated codes match any.' },
    { name: 'practitioner', type: 'reference', documentation: 'Practitioner/<id>: a provider participant.' },
    { name: 'location', type: 'reference', documentation: 'Location/<id>: a location participant.' },
  ],
  Coverage: [...COMMON, PATIENT_REF],
  DocumentReference: [...COMMON, PATIENT_REF],
};

/** Parameters every search understands besides {@link SEARCH_PARAMS}: page size, our cursor, and the format. */
export const CONTROL_PARAMS = ['_count', '_cursor', '_format'] as const;

/** Default and largest page size (`_count`). */
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 500;

/** True when `type` is a served FHIR resource type. */
export function isServedType(type: string): type is FhirType {
  return Object.prototype.hasOwnProperty.call(SERVED_TYPES, type);
}
