import type { Patient } from '../../../canonical';
import { ADMINISTRATIVE_GENDER, MARITAL_STATUS, PATIENT_STATUS } from '../../../canonical';
import type { Converter } from './converter';
import { address, arr, code, compact, concept, contactPoints, date, FhirObject, humanNames, instant, some, str } from './datatypes';
import { toIdentifiers } from './identifiers';

const MARITAL = 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus';
const NULL_FLAVOR = 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor';

/**
 * Canonical patient → FHIR R4 Patient (http://hl7.org/fhir/R4/patient.html): `active` from our
 * status (active = true; inactive, non_patient, deceased, deleted = false; prospective and
 * unknown leave it out), the primary provider as `generalPractitioner`, marital status from
 * v3-MaritalStatus (UNK from v3-NullFlavor), the preferred language as `communication` text.
 */
export const patientConverter: Converter<Patient> = {
  links: (d) => (d.primaryProvider?.externalId ? [{ resource: 'providers', externalId: d.primaryProvider.externalId }] : []),
  toFhir(d, ctx) {
    const status = code(PATIENT_STATUS, d.status);
    const active = status === 'active' ? true : status && status !== 'prospective' ? false : undefined;
    const deceased = instant(d.deceasedDateTime) ? { deceasedDateTime: instant(d.deceasedDateTime) } : d.deceased ? { deceasedBoolean: true } : {};
    const practitioner = ctx.ref('providers', d.primaryProvider);
    const language = str(d.language);
    return compact({
      ...ctx.envelope('Patient'),
      identifier: some(toIdentifiers(d.identifiers, ctx.record.integration_id)),
      active,
      name: humanNames(d.names),
      telecom: contactPoints(d.telecom),
      gender: code(ADMINISTRATIVE_GENDER, d.gender),
      birthDate: date(d.birthDate),
      ...deceased,
      address: some(arr(d.addresses).map(address).filter((a): a is FhirObject => a !== undefined)),
      maritalStatus: code(MARITAL_STATUS, d.maritalStatus) ? concept(d.maritalStatus === 'UNK' ? NULL_FLAVOR : MARITAL, d.maritalStatus) : undefined,
      communication: language ? [{ language: { text: language } }] : undefined,
      generalPractitioner: practitioner ? [practitioner] : undefined,
    }) as FhirObject;
  },
};
