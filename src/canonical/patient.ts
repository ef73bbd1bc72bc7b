import type { Address, ContactPoint, HumanName, Identifier, RecordLink } from './datatypes';
import type { AdministrativeGender, MaritalStatus, PatientStatus } from './value-sets';

/**
 * A canonical patient, after FHIR R4 Patient (http://hl7.org/fhir/R4/patient.html).
 * Vendor codes live only in `source*` fields. Sensitive values (a full SSN) never appear here:
 * the adapter puts them in `CanonicalRecord.sensitive`, which the store encrypts.
 */
export interface Patient {
  /** `official` (legal) first; a `usual` entry carries the preferred first name when the source has one. */
  names: HumanName[];
  /** The name the patient goes by (OpenDental Preferred), or null. */
  preferredName: string | null;
  /** Preferred (or legal) first name and family name, for lists. */
  displayName: string | null;
  /** `yyyy-MM-dd`, or null when the source has none. */
  birthDate: string | null;
  gender: AdministrativeGender | null;
  status: PatientStatus | null;
  /** The vendor's own status code, verbatim (OpenDental PatStatus name, NexHealth flags). */
  sourceStatus: string | null;
  /** Phones and e-mail; phones ranked by preference (rank 1 first). */
  telecom: ContactPoint[];
  addresses: Address[];
  /** MRN / chart number, Medicaid id, the source's key, a PMS key a synchronizer reports. Never a full SSN. */
  identifiers: Identifier[];
  /** Last four digits of the SSN, or null. */
  ssnLast4: string | null;
  deceased: boolean;
  /** Instant of death when known. */
  deceasedDateTime: string | null;
  maritalStatus: MaritalStatus | null;
  /** Preferred language as the source spells it (ISO 639 code or name). */
  language: string | null;
  /** The patient's primary provider (FHIR generalPractitioner), a `providers` record. */
  primaryProvider: RecordLink | null;
  /** The location or clinic that manages the patient (FHIR managingOrganization's site), a `locations` record or a source clinic key. */
  primaryLocation: RecordLink | null;
  /** The person responsible for the account, a `patients` record (may be the patient). */
  guarantor: RecordLink | null;
  /** First visit date, `yyyy-MM-dd`. */
  firstVisitDate: string | null;
}
