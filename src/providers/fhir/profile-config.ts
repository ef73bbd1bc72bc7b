import { baseUrlProblem } from '../common/base-url';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from './client-assertion';
import type { FhirConnection } from './fhir-client';
import { derivedTokenUrl, FhirVendorProfile } from './profile';

/** `bulkExport` of a FHIR integration: `auto` lets the profile decide, `always`/`never` force it. */
export const BULK_EXPORT_MODES = ['auto', 'always', 'never'] as const;
export type BulkExportMode = (typeof BULK_EXPORT_MODES)[number];

/** Validated config of any FHIR R4 integration (`fhir-r4` and the seven EHR profiles). */
export interface FhirConfig {
  fhirBaseUrl: string;
  /** Configured, else derived by the profile, else null (discovered from smart-configuration). */
  tokenUrl: string | null;
  clientId: string;
  keyId: string | null;
  signingAlgorithm: SigningAlgorithm;
  scope: string;
  groupId: string | null;
  bulkExport: BulkExportMode;
  /** Page size asked for (capped at the profile's `maxCount`). */
  pageSize: number;
  requestTimeoutMs: number;
  /** Next links are rewritten to the base's origin (a server answering with an internal host). */
  rewriteNextLinks: boolean;
  /** Requests per minute to this base URL shared by every worker; null = no budget. */
  callsPerMinute: number | null;
  /** The raw config, for profile fields (athenahealth `practiceId`). */
  extra: Record<string, unknown>;
}

/** JSON Schema of a profile's config (rendered as the setup form; validated on create and update). */
export function fhirConfigSchema(profile: FhirVendorProfile): Record<string, unknown> {
  const extra = profile.extraConfig ?? [];
  return {
    type: 'object',
    additionalProperties: false,
    required: ['fhirBaseUrl', 'clientId', ...extra.filter((f) => f.required).map((f) => f.name)],
    properties: {
      fhirBaseUrl: { type: 'string', 'x-outbound': 'url', title: 'FHIR base URL', format: 'uri', pattern: '^https?://', maxLength: 500, description: "The tenant's FHIR R4 base.", examples: [profile.tenancy.example] },
      tokenUrl: { type: 'string', 'x-outbound': 'url', title: 'Token URL', format: 'uri', pattern: '^https?://', maxLength: 500, description: 'OAuth token endpoint; when absent it is derived from the base (where the vendor documents the rule) or read from {fhirBaseUrl}/.well-known/smart-configuration.' },
      clientId: { type: 'string', title: 'Client id', minLength: 1, maxLength: 300, description: 'The backend client id registered at the EHR (JWT iss and sub).' },
      keyId: { type: 'string', title: 'Key id', minLength: 1, maxLength: 200, description: 'The kid of the registered public key (required with credentials.privateKey; set by the hub for a key it generates).' },
      signingAlgorithm: { type: 'string', title: 'Signing algorithm', enum: [...SIGNING_ALGORITHMS], default: 'RS384', description: 'RS384 (RSA) or ES384 (EC P-384).' },
      scope: { type: 'string', title: 'Scopes', minLength: 1, maxLength: 2000, default: profile.defaultScope, description: 'Space-separated SMART system scopes.' },
      groupId: { type: 'string', title: 'Group id', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9\\-.]{1,64}$', description: 'Group for Group/{id}/$export (Bulk Data).' },
      bulkExport: { type: 'string', title: 'Bulk export', enum: [...BULK_EXPORT_MODES], default: 'auto', description: 'auto: the profile decides per resource; always / never force Bulk Data $export on or off.' },
      pageSize: { type: 'integer', title: 'Page size', minimum: 1, maximum: 1000, default: Math.min(100, profile.maxCount), description: `Page size of searches (${profile.countParam ?? 'not settable at this vendor'}; capped at ${profile.maxCount}).` },
      requestTimeoutMs: { type: 'integer', title: 'Request timeout (ms)', minimum: 1000, maximum: 120000, default: 30000 },
      callsPerMinute: { type: 'integer', title: 'Calls per minute', minimum: 1, maximum: 100000, description: `Requests a minute to this base URL, shared by every worker${profile.callsPerMinute ? ` (default ${profile.callsPerMinute}, the vendor's published limit)` : ' (default: no budget)'}.` },
      rewriteNextLinks: { type: 'boolean', title: 'Rewrite next links', default: false, description: "Replace the host of the server's next links with the base URL's (for servers behind a proxy that answer with an internal host)." },
      ...Object.fromEntries(extra.map((f) => [f.name, f.schema])),
    },
  };
}

/** Fills defaults on an already schema-validated config. */
export function withDefaults(profile: FhirVendorProfile, config: Record<string, unknown>): FhirConfig {
  const fhirBaseUrl = String(config.fhirBaseUrl ?? '').replace(/\/+$/, '');
  const configured = typeof config.tokenUrl === 'string' && config.tokenUrl ? config.tokenUrl : null;
  return {
    fhirBaseUrl,
    tokenUrl: configured ?? derivedTokenUrl(profile, fhirBaseUrl),
    clientId: String(config.clientId ?? ''),
    keyId: typeof config.keyId === 'string' && config.keyId ? config.keyId : null,
    signingAlgorithm: config.signingAlgorithm === 'ES384' ? 'ES384' : 'RS384',
    scope: typeof config.scope === 'string' && config.scope.trim() ? config.scope.trim() : profile.defaultScope,
    groupId: typeof config.groupId === 'string' && config.groupId ? config.groupId : null,
    bulkExport: (BULK_EXPORT_MODES as readonly string[]).includes(String(config.bulkExport)) ? (config.bulkExport as BulkExportMode) : 'auto',
    pageSize: Math.min(Number(config.pageSize ?? 100), profile.maxCount),
    requestTimeoutMs: Number(config.requestTimeoutMs ?? 30000),
    rewriteNextLinks: config.rewriteNextLinks === true,
    callsPerMinute: typeof config.callsPerMinute === 'number' ? config.callsPerMinute : profile.callsPerMinute,
    extra: config,
  };
}

/** Rules a JSON Schema cannot express: base and token URLs readable and not link-local/metadata hosts, a client id. */
export function checkConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
  const errors: Array<{ field: string; errors: string[] }> = [];
  for (const field of ['fhirBaseUrl', 'tokenUrl'] as const) {
    const value = config[field];
    if (field === 'fhirBaseUrl' && (typeof value !== 'string' || !/^https?:\/\//i.test(value))) {
      errors.push({ field: 'config.fhirBaseUrl', errors: ['config.fhirBaseUrl must be an http(s) URL'] });
      continue;
    }
    const problem = baseUrlProblem(value);
    if (problem) errors.push({ field: `config.${field}`, errors: problem.errors.map((e) => e.replace('config.baseUrl', `config.${field}`)) });
  }
  if (typeof config.clientId !== 'string' || !config.clientId) errors.push({ field: 'config.clientId', errors: ['config.clientId is required'] });
  return errors;
}

/**
 * The client's connection: `privateKey` (PEM PKCS#8) → private_key_jwt with `keyId`, else
 * `clientSecret` → client_secret_basic (only where the profile allows it).
 * @throws ProviderException INVALID_CONFIG (permanent) when neither credential is given, `keyId` is
 *   missing, or the vendor does not take a client secret.
 */
export function connectionOf(profile: FhirVendorProfile, integrationId: string, config: FhirConfig, credentials: Record<string, string>): FhirConnection {
  const base = { integrationId, fhirBaseUrl: config.fhirBaseUrl, tokenUrl: config.tokenUrl, clientId: config.clientId, scope: config.scope };
  if (credentials.privateKey) {
    if (!config.keyId) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'config.keyId is required with credentials.privateKey', { temporary: false });
    return { ...base, auth: { method: 'private_key_jwt', keyId: config.keyId, algorithm: config.signingAlgorithm, privateKey: credentials.privateKey } };
  }
  if (credentials.clientSecret) {
    if (!profile.clientAuth.includes('client_secret_basic')) {
      throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, `${profile.name} backend clients authenticate with private_key_jwt: set credentials.privateKey`, { temporary: false });
    }
    return { ...base, auth: { method: 'client_secret_basic', clientSecret: credentials.clientSecret } };
  }
  throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'credentials.privateKey or credentials.clientSecret is required', { temporary: false });
}
