import type { Practitioner } from '../../../canonical';
import { PRACTITIONER_STATUS } from '../../../canonical';
import type { Converter } from './converter';
import { code, compact, contactPoints, FhirObject, humanNames, some } from './datatypes';
import { toIdentifiers } from './identifiers';

/**
 * Canonical provider → FHIR R4 Practitioner (http://hl7.org/fhir/R4/practitioner.html):
 * identifiers (NPI under http://hl7.org/fhir/sid/us-npi), `active` from our status (a deleted
 * provider is never served), names and telecom. Specialty belongs to PractitionerRole, not served.
 */
export const practitionerConverter: Converter<Practitioner> = {
  links: () => [],
  toFhir(d, ctx) {
    return compact({
      ...ctx.envelope('Practitioner'),
      identifier: some(toIdentifiers(d.identifiers, ctx.record.integration_id)),
      active: code(PRACTITIONER_STATUS, d.status) ? d.status === 'active' : undefined,
      name: humanNames(d.names) ?? (d.displayName ? [{ text: d.displayName }] : undefined),
      telecom: contactPoints(d.telecom),
    }) as FhirObject;
  },
};
