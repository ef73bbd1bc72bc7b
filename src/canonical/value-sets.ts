/**
 * Code lists the canonical model uses, each a FHIR R4 value set (http://hl7.org/fhir/R4/terminologies-valuesets.html)
 * unless it says otherwise. Kept as `const` arrays so validators, the OpenAPI document and the
 * contract test read the same list the types are built from.
 */

/** http://hl7.org/fhir/R4/valueset-administrative-gender.html */
export const ADMINISTRATIVE_GENDER = ['male', 'female', 'other', 'unknown'] as const;
export type AdministrativeGender = (typeof ADMINISTRATIVE_GENDER)[number];

/** http://hl7.org/fhir/R4/valueset-name-use.html */
export const NAME_USE = ['usual', 'official', 'temp', 'nickname', 'anonymous', 'old', 'maiden'] as const;
export type NameUse = (typeof NAME_USE)[number];

/** http://hl7.org/fhir/R4/valueset-contact-point-system.html */
export const CONTACT_POINT_SYSTEM = ['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'] as const;
export type ContactPointSystem = (typeof CONTACT_POINT_SYSTEM)[number];

/** http://hl7.org/fhir/R4/valueset-contact-point-use.html */
export const CONTACT_POINT_USE = ['home', 'work', 'temp', 'old', 'mobile'] as const;
export type ContactPointUse = (typeof CONTACT_POINT_USE)[number];

/** http://hl7.org/fhir/R4/valueset-address-use.html */
export const ADDRESS_USE = ['home', 'work', 'temp', 'old', 'billing'] as const;
export type AddressUse = (typeof ADDRESS_USE)[number];

/**
 * Identifier type codes from HL7 v2 table 0203 (http://terminology.hl7.org/CodeSystem/v2-0203),
 * the codes FHIR's IdentifierType value set draws on: MR medical record number, MA Medicaid
 * number, PI patient internal identifier (a source system's own key), NPI, PRN provider number,
 * MB member number, SN subscriber number.
 */
export const IDENTIFIER_TYPE = ['MR', 'MA', 'PI', 'NPI', 'PRN', 'MB', 'SN'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPE)[number];

/**
 * Our own small, vendor-neutral patient status (FHIR has only `Patient.active`):
 * `active` a patient of record; `inactive` no longer seen (archived included); `prospective`
 * not yet seen; `non_patient` a family member or guarantor who is not a patient; `deceased`;
 * `deleted` removed at the source. The vendor's own code is kept in `sourceStatus`.
 */
export const PATIENT_STATUS = ['active', 'inactive', 'prospective', 'non_patient', 'deceased', 'deleted'] as const;
export type PatientStatus = (typeof PATIENT_STATUS)[number];

/** http://hl7.org/fhir/R4/valueset-appointmentstatus.html */
export const APPOINTMENT_STATUS = [
  'proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUS)[number];

/** http://hl7.org/fhir/R4/valueset-participationstatus.html */
export const PARTICIPATION_STATUS = ['accepted', 'declined', 'tentative', 'needs-action'] as const;
export type ParticipationStatus = (typeof PARTICIPATION_STATUS)[number];

/** Roles of an appointment participant, from http://terminology.hl7.org/CodeSystem/v3-ParticipationType (PPRF primary performer, SPRF secondary performer, PART participant, LOC location). */
export const PARTICIPANT_TYPE = ['PPRF', 'SPRF', 'PART', 'LOC'] as const;
export type ParticipantType = (typeof PARTICIPANT_TYPE)[number];

/** http://hl7.org/fhir/R4/valueset-fm-status.html (Coverage.status) */
export const COVERAGE_STATUS = ['active', 'cancelled', 'draft', 'entered-in-error'] as const;
export type CoverageStatus = (typeof COVERAGE_STATUS)[number];

/** http://hl7.org/fhir/R4/valueset-subscriber-relationship.html (Coverage.relationship) */
export const SUBSCRIBER_RELATIONSHIP = ['child', 'parent', 'spouse', 'common', 'other', 'self', 'injured'] as const;
export type SubscriberRelationship = (typeof SUBSCRIBER_RELATIONSHIP)[number];

/** Coverage.type codes from http://terminology.hl7.org/CodeSystem/v3-ActCode we use: DENTPRG dental, MCPOL managed care / medical, VISPOL vision. */
export const COVERAGE_TYPE = ['dental', 'medical', 'vision', 'other'] as const;
export type CoverageType = (typeof COVERAGE_TYPE)[number];

/** http://hl7.org/fhir/R4/valueset-document-reference-status.html */
export const DOCUMENT_REFERENCE_STATUS = ['current', 'superseded', 'entered-in-error'] as const;
export type DocumentReferenceStatus = (typeof DOCUMENT_REFERENCE_STATUS)[number];

/** Practitioner status: FHIR has only `Practitioner.active`; `deleted` = removed at the source. */
export const PRACTITIONER_STATUS = ['active', 'inactive', 'deleted'] as const;
export type PractitionerStatus = (typeof PRACTITIONER_STATUS)[number];

/** http://hl7.org/fhir/R4/valueset-location-status.html */
export const LOCATION_STATUS = ['active', 'suspended', 'inactive'] as const;
export type LocationStatus = (typeof LOCATION_STATUS)[number];

/** What a canonical location stands for: a chair or room (FHIR physicalType `ro`), or a site or clinic (`si`). */
export const LOCATION_KIND = ['room', 'site'] as const;
export type LocationKind = (typeof LOCATION_KIND)[number];

/**
 * http://hl7.org/fhir/R4/valueset-marital-status.html (v3-MaritalStatus codes):
 * A annulled, D divorced, I interlocutory, L legally separated, M married, P polygamous,
 * S never married, T domestic partner, U unmarried, W widowed, UNK unknown.
 */
export const MARITAL_STATUS = ['A', 'D', 'I', 'L', 'M', 'P', 'S', 'T', 'U', 'W', 'UNK'] as const;
export type MaritalStatus = (typeof MARITAL_STATUS)[number];
