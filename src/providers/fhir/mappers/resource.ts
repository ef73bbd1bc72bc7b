import type { CanonicalRecord, ResourceType } from '../../../canonical';
import type { FhirResource } from '../fhir-types';
import { objs, refParts, str } from './elements';

/** What a mapper returns: a canonical record of its resource type (src/canonical). */
export type FhirMapped<R extends ResourceType> = CanonicalRecord<R>;

/** Options every mapper takes. */
export interface MapOptions {
  /** "Now" for deciding whether a period has ended (epoch ms; tests pin it). */
  now?: number;
}

/**
 * The resource as `raw`: a deep copy without the narrative `text.div` (generated XHTML that can
 * repeat any element, sensitive ones included) and without elements `strip` removes.
 */
export function rawCopy(resource: FhirResource, strip?: (copy: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(resource)) as Record<string, unknown>;
  const text = copy.text as Record<string, unknown> | undefined;
  if (text && typeof text === 'object') delete text.div;
  strip?.(copy);
  return copy;
}

/** `meta.lastUpdated` verbatim (the server's change stamp), or null. */
export function lastUpdated(resource: FhirResource): string | null {
  return str(resource.meta?.lastUpdated);
}

/**
 * The survivor of a merged patient: `link[type = replaced-by].other` (http://hl7.org/fhir/R4/patient-definitions.html#Patient.link),
 * meaning this record was replaced and counts as a deletion.
 */
export function replacedBy(resource: FhirResource): string | null {
  for (const l of objs(resource.link)) {
    if (l.type === 'replaced-by') return refParts(l.other)?.id ?? '';
  }
  return null;
}
