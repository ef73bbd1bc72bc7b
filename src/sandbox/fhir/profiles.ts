import type { BulkLevel } from './bulk/bulk-types';

/**
 * How one simulated vendor behaves, as data (issue 9: "prefer data over code in a profile").
 * Only the generic `fhir-r4` profile exists today; the EHR profiles (Epic, Oracle Health,
 * athenahealth…) add entries here with their paging parameter, page-size cap and quirks.
 */
export interface FhirSandboxProfile {
  id: string;
  /** The name on the CapabilityStatement. */
  software: string;
  /** Levels of Bulk `$export` it serves (bulk/bulk-types.ts); absent: all three. */
  bulkExportLevels?: readonly BulkLevel[];
  /** Page size parameter (null: the server picks, e.g. eClinicalWorks) and its default/maximum. */
  countParam: string | null;
  defaultCount: number;
  maxCount: number;
  /** The opaque page parameter of next links (`_cursor`; MEDITECH `continue`, athena `cursor`, eCW `page`). */
  pageParam: string;
  /** Resource types that accept `_lastUpdated` (Cerner lacks it on Patient, Appointment…). */
  lastUpdated: readonly string[];
  /** `token_endpoint_auth_methods_supported` of its smart-configuration. */
  authMethods: readonly string[];
}

/** Resource types every profile stores. */
export const SANDBOX_RESOURCE_TYPES = ['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference'] as const;
export type SandboxResourceType = (typeof SANDBOX_RESOURCE_TYPES)[number];

export const FHIR_SANDBOX_PROFILES: Record<string, FhirSandboxProfile> = {
  'fhir-r4': {
    id: 'fhir-r4', software: 'EHR Sync Hub FHIR R4 sandbox (generic)', countParam: '_count', defaultCount: 50, maxCount: 1000, pageParam: '_cursor',
    lastUpdated: SANDBOX_RESOURCE_TYPES, authMethods: ['private_key_jwt', 'client_secret_basic'],
  },
};
