import { RESOURCE_ORDER } from '../../canonical';
import type { ActionType, ResourceType } from '../provider-adapter';

/**
 * How one canonical resource is read from a FHIR R4 server (issue 9, FHIR-R4.md §7a):
 * - `search`: population-wide `{Type}?…` paged search; `incremental` when the server accepts
 *   `_lastUpdated` on that type (else every run is a full pass);
 * - `window`: a rolling date window (`date=ge{now − pastDays}&date=lt{now + futureDays}`), for
 *   Appointment where `_lastUpdated` is missing; optionally scoped by a comma list of stored ids
 *   (Oracle Health: `location` must accompany `date`);
 * - `per-patient`: one search per stored patient (`{Type}?patient={id}`), where the server only
 *   searches within a patient (Epic, Oracle Health, athenahealth);
 * - `bulk-group`: reachable only through `Group/{groupId}/$export` (Epic, athenahealth Patient),
 *   with `_since` when the vendor's exports are incremental (`since`); needs `config.groupId`;
 * - `unsupported`: the vendor has no usable FHIR read (absent from its CapabilityStatement, or
 *   searchable only by `_id`); `reason` says which and is shown in the catalog.
 */
export type ReadStrategy =
  | { kind: 'search'; incremental: boolean }
  | { kind: 'window'; pastDays: number; futureDays: number; scope?: { param: string; from: ResourceType } }
  | { kind: 'per-patient'; param: string }
  | { kind: 'bulk-group'; since: boolean; reason: string }
  | { kind: 'unsupported'; reason: string };

/** A config field a profile adds (athenahealth `practiceId`), as JSON Schema. */
export interface ProfileConfigField {
  name: string;
  schema: Record<string, unknown>;
  required: boolean;
}

/**
 * One FHIR R4 vendor as data (issue 9: "prefer data over code in a profile"). The generic
 * `fhir-r4` adapter and each EHR folder (`providers/epic/`, `oracle-health/`…) declare one; the
 * shared {@link FhirProfileAdapter} does the rest. Facts and their sources: FHIR-R4.md §2.
 */
export interface FhirVendorProfile {
  /** Vendor id = adapter type name (`epic`, `oracle-health`…). */
  id: string;
  name: string;
  description: string;
  /** Public documents the facts come from (shown in docs/vendors/{id}.md). */
  sources: string[];
  /** Where the tenant sits: in the base URL path, or in a search parameter every search carries. */
  tenancy: { kind: 'path'; example: string } | { kind: 'search-param'; param: string; template: string; example: string };
  /**
   * Token URL derived from the base (a regex over `fhirBaseUrl` and its replacement); when it does
   * not match, the token URL is discovered from `.well-known/smart-configuration`.
   */
  tokenUrl: { match: string; replace: string } | null;
  /** `token_endpoint_auth_methods_supported` the hub uses with this vendor, preferred first. */
  clientAuth: ReadonlyArray<'private_key_jwt' | 'client_secret_basic'>;
  /** Page size parameter (null: the server picks, e.g. eClinicalWorks, Veradigm) and its cap. */
  countParam: string | null;
  maxCount: number;
  /** The paging parameter inside next links (informational: next links are followed verbatim). */
  pageParam: string;
  /**
   * OperationOutcome detail codes of an expired search cursor (Epic `4113`); a next link answered
   * with one (or with 410 Gone, as HAPI does) restarts the search at its first page.
   */
  expiredCursorCodes?: string[];
  /** Read strategy per canonical resource (balances: never, FHIR R4 Account has no balance). */
  reads: Partial<Record<ResourceType, ReadStrategy>>;
  /** Example id formats (athenahealth `a-{practiceId}.E-{id}`), keyed by FHIR type. */
  idFormats?: Record<string, string>;
  /**
   * Vendor appointment status codes that differ from FHIR's (to the FHIR R4 code). Empty for all
   * seven today: their CapabilityStatements use FHIR's `appointmentstatus` codes.
   */
  appointmentStatusMap: Record<string, string>;
  /** Write-back the vendor's FHIR API allows (FHIR-R4.md §5), whether or not the hub performs it yet. */
  writeBackAtVendor: readonly ActionType[];
  /** Write-back the hub performs through this profile (write-back.ts); absent or empty: read-only. */
  writeBack?: readonly ActionType[];
  /** Calls per minute per base URL the vendor allows (eClinicalWorks 250), null when unpublished. */
  callsPerMinute: number | null;
  /** Default SMART system scopes (space-separated). */
  defaultScope: string;
  /** Profile-specific config fields. */
  extraConfig?: ProfileConfigField[];
}

/** `{name}` placeholders of a template filled from the config (`Organization/a-1.Practice-{practiceId}`). */
export function fillTemplate(template: string, config: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(config[name] ?? ''));
}

/** The token URL a profile derives from a base URL, or null (then discovered). */
export function derivedTokenUrl(profile: Pick<FhirVendorProfile, 'tokenUrl'>, fhirBaseUrl: string): string | null {
  if (!profile.tokenUrl) return null;
  const pattern = new RegExp(profile.tokenUrl.match);
  return pattern.test(fhirBaseUrl) ? fhirBaseUrl.replace(pattern, profile.tokenUrl.replace) : null;
}

/** Resources a profile can read, in sync order (unsupported ones left out). */
export function readableResources(profile: FhirVendorProfile): ResourceType[] {
  return RESOURCE_ORDER.filter((r) => {
    const kind = profile.reads[r]?.kind;
    return !!kind && kind !== 'unsupported';
  });
}

/** Scopes for a set of FHIR types in SMART v1 syntax (accepted by v2 servers too). */
export function systemScopes(types: string[]): string {
  return types.map((t) => `system/${t}.read`).join(' ');
}
