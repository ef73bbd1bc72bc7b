/**
 * The canonical model: the one contract between vendor adapters and core. Every adapter maps its
 * source rows into these types (typed after FHIR R4); core modules, the REST API and the FHIR
 * read API read only these. See docs/canonical-model.md.
 */
import type { Appointment } from './appointment';
import type { Balance } from './balance';
import type { Coverage } from './coverage';
import type { DocumentReference } from './document-reference';
import type { Location } from './location';
import type { Patient } from './patient';
import type { Practitioner } from './practitioner';

export * from './appointment';
export * from './balance';
export * from './builders';
export * from './coverage';
export * from './datatypes';
export * from './document-reference';
export * from './identifier-systems';
export * from './location';
export * from './patient';
export * from './practitioner';
export * from './validate';
export * from './value-sets';

/** Canonical resource types, named after their FHIR R4 counterparts' plural use in our API. */
export type ResourceType = 'patients' | 'providers' | 'locations' | 'appointments' | 'coverages' | 'documents' | 'balances';

/** Every resource type, in the order a sync runs them (referenced records first). */
export const RESOURCE_ORDER: readonly ResourceType[] = ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents', 'balances'];

/** The canonical `data` type of each resource. */
export interface CanonicalData {
  patients: Patient;
  providers: Practitioner;
  locations: Location;
  appointments: Appointment;
  coverages: Coverage;
  documents: DocumentReference;
  balances: Balance;
}

/** The FHIR R4 resource type each canonical resource follows (balances have none in R4). */
export const FHIR_RESOURCE_TYPE: Record<ResourceType, string | null> = {
  patients: 'Patient', providers: 'Practitioner', locations: 'Location', appointments: 'Appointment',
  coverages: 'Coverage', documents: 'DocumentReference', balances: null,
};

/**
 * A canonical record as the adapter maps it. `data` holds the typed canonical fields; `raw` the
 * source row minus sensitive fields; `sensitive` fields the store encrypts (for example a full
 * SSN) and never returns.
 */
export interface CanonicalRecord<R extends ResourceType = ResourceType> {
  externalId: string;
  data: CanonicalData[R];
  raw?: Record<string, unknown>;
  sensitive?: Record<string, string>;
  /** The source says this record is deleted (for example PatStatus Deleted, ProvStatus Deleted). */
  deleted?: boolean;
  /** The vendor's own change stamp, kept verbatim (for example DateTStamp in office time). */
  sourceUpdatedAt?: string | null;
  /** External id of the patient this record belongs to (appointments, coverages, documents, balances). */
  patientExternalId?: string | null;
  /** Indexed copies of fields the records API filters on. */
  index?: { searchText?: string | null; birthDate?: string | null; startsAt?: string | null; status?: string | null };
}
