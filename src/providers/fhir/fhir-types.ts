/**
 * The few FHIR R4 JSON shapes the client reads (http://hl7.org/fhir/R4/bundle.html,
 * resource.html). Resource bodies stay `Record<string, unknown>`-like: the mappers read their
 * elements defensively, since servers send what they send.
 */

/** Any FHIR resource: `resourceType`, logical `id`, `meta.versionId` and `meta.lastUpdated` (instant). */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  [element: string]: unknown;
}

/** Bundle.link: `relation` (`self`, `next`…) and `url`. */
export interface BundleLink {
  relation?: string;
  url?: string;
}

/** Bundle.entry with `search.mode` (`match`, `include`, `outcome`). */
export interface BundleEntry {
  fullUrl?: string;
  resource?: FhirResource;
  search?: { mode?: string };
}

/** A searchset Bundle. */
export interface Bundle {
  resourceType: 'Bundle';
  type?: string;
  total?: number;
  link?: BundleLink[];
  entry?: BundleEntry[];
}
