/** FHIR R4 → canonical mappers (one per resource type), shared by every FHIR vendor. */
export { mapFhirAppointment } from './appointment.mapper';
export { mapFhirCoverage } from './coverage.mapper';
export { mapFhirDocumentReference } from './document.mapper';
export { mapFhirPatient, SSN_SYSTEMS } from './patient.mapper';
export { isValidNpi, mapFhirLocation, mapFhirPractitioner } from './practitioner.mapper';
export type { FhirMapped, MapOptions } from './resource';
