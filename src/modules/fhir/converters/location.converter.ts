import type { Location } from '../../../canonical';
import { LOCATION_KIND, LOCATION_STATUS } from '../../../canonical';
import type { Converter } from './converter';
import { address, code, compact, concept, contactPoints, FhirObject, str } from './datatypes';

const PHYSICAL_TYPE = 'http://terminology.hl7.org/CodeSystem/location-physical-type';

/**
 * Canonical location → FHIR R4 Location (http://hl7.org/fhir/R4/location.html): `mode` instance,
 * `physicalType` ro (a room or chair) or si (a site), the abbreviation as `alias`, and the site a
 * room belongs to as `partOf`.
 */
export const locationConverter: Converter<Location> = {
  links: (d) => (d.partOf?.externalId ? [{ resource: 'locations', externalId: d.partOf.externalId }] : []),
  toFhir(d, ctx) {
    const alias = str(d.abbreviation);
    return compact({
      ...ctx.envelope('Location'),
      status: code(LOCATION_STATUS, d.status),
      name: str(d.name),
      alias: alias ? [alias] : undefined,
      mode: 'instance',
      telecom: contactPoints(d.telecom),
      address: address(d.address),
      physicalType: code(LOCATION_KIND, d.kind) ? concept(PHYSICAL_TYPE, d.kind === 'room' ? 'ro' : 'si') : undefined,
      partOf: ctx.ref('locations', d.partOf),
    }) as FhirObject;
  },
};
