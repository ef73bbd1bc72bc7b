import type { FhirType } from '../fhir-resource-types';
import { appointmentConverter } from './appointment.converter';
import type { Converter } from './converter';
import { coverageConverter } from './coverage.converter';
import { documentReferenceConverter } from './document-reference.converter';
import { locationConverter } from './location.converter';
import { patientConverter } from './patient.converter';
import { practitionerConverter } from './practitioner.converter';

/** The converter of each served FHIR type (data is read untyped from `records.data`). */
export const CONVERTERS: Record<FhirType, Converter<never>> = {
  Patient: patientConverter as Converter<never>,
  Practitioner: practitionerConverter as Converter<never>,
  Location: locationConverter as Converter<never>,
  Appointment: appointmentConverter as Converter<never>,
  Coverage: coverageConverter as Converter<never>,
  DocumentReference: documentReferenceConverter as Converter<never>,
};
