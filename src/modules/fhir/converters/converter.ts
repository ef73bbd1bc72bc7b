import type { ConvertContext, LinkKey } from './context';
import type { FhirObject } from './datatypes';

/**
 * Converts one canonical resource (src/canonical/) to its FHIR R4 resource. `data` is read as
 * `Partial`: a stored record may predate a field, and a converter must still emit valid FHIR.
 * `links` names the records of the same integration the resource refers to by source id, so the
 * store resolves a whole page's links in one query before converting.
 */
export interface Converter<T> {
  links(data: Partial<T>): LinkKey[];
  toFhir(data: Partial<T>, ctx: ConvertContext): FhirObject;
}
