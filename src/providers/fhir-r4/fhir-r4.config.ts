import { baseUrlProblem } from '../common/base-url';
import { BULK_EXPORT_MODES, BulkExportMode } from '../fhir/bulk/bulk-strategy';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from '../fhir/client-assertion';
import type { FhirConnection } from '../fhir/fhir-client';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/** System scopes asked for by default (SMART v1 `read` syntax, accepted by v2 servers too). */
export const DEFAULT_FHIR_R4_SCOPE = [
  'system/Patient.read', 'system/Practitioner.read', 'system/Location.read', 'system/Appointment.read', 'system/Coverage.read', 'system/DocumentReference.read',
].join(' ');

/** Validated config of a `fhir-r4` integration. */
export interface FhirR4Config {
  fhirBaseUrl: string;
  tokenUrl: string | null;
  clientId: string;
  keyId: string | null;
  signingAlgorithm: SigningAlgorithm;
  scope: string;
  /** `_count` of every search page. */
  pageSize: number;
  requestTimeoutMs: number;
  /** Full passes by Bulk `$export`: `auto` (when the CapabilityStatement advertises it), `always`, `never`. */
  bulkExport: BulkExportMode;
  /** `Group/{groupId}/$export` for Patient-compartment types (Epic, athenahealth, Veradigm export by Group only). */
  groupId: string | null;
}

/** JSON Schema of the config (rendered as the setup form; validated on create and update). */
export const FHIR_R4_CONFIG_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['fhirBaseUrl', 'clientId'],
  properties: {
    fhirBaseUrl: { type: 'string', 'x-outbound': 'url', title: 'FHIR base URL', format: 'uri', pattern: '^https?://', maxLength: 500, description: "The tenant's FHIR R4 base (https://host/fhir/r4).", examples: ['https://fhir.example.org/r4'] },
    tokenUrl: { type: 'string', 'x-outbound': 'url', title: 'Token URL', format: 'uri', pattern: '^https?://', maxLength: 500, description: 'OAuth token endpoint; when absent it is read from {fhirBaseUrl}/.well-known/smart-configuration.' },
    clientId: { type: 'string', title: 'Client id', minLength: 1, maxLength: 300, description: 'The backend client id registered at the EHR (JWT iss and sub).' },
    keyId: { type: 'string', title: 'Key id', minLength: 1, maxLength: 200, description: 'The kid of the registered public key (required with a private key).' },
    signingAlgorithm: { type: 'string', title: 'Signing algorithm', enum: [...SIGNING_ALGORITHMS], default: 'RS384', description: 'RS384 (RSA) or ES384 (EC P-384).' },
    scope: { type: 'string', title: 'Scopes', minLength: 1, maxLength: 2000, default: DEFAULT_FHIR_R4_SCOPE, description: 'Space-separated SMART system scopes.' },
    pageSize: { type: 'integer', title: 'Page size', minimum: 1, maximum: 1000, default: 100, description: '_count of search requests.' },
    requestTimeoutMs: { type: 'integer', title: 'Request timeout (ms)', minimum: 1000, maximum: 120000, default: 30000 },
    bulkExport: { type: 'string', title: 'Bulk export', enum: [...BULK_EXPORT_MODES], default: 'auto', description: 'Full syncs by Bulk Data $export: auto (when the server advertises it), always, or never (paged search).' },
    groupId: { type: 'string', title: 'Group id', pattern: '^[A-Za-z0-9\\-.]{1,64}$', description: 'FHIR Group id for Group/{id}/$export of patient data.' },
  },
};

/** Fills defaults on an already schema-validated config. */
export function withDefaults(config: Record<string, unknown>): FhirR4Config {
  const algorithm = config.signingAlgorithm === 'ES384' ? 'ES384' : 'RS384';
  return {
    fhirBaseUrl: String(config.fhirBaseUrl ?? '').replace(/\/+$/, ''),
    tokenUrl: typeof config.tokenUrl === 'string' && config.tokenUrl ? config.tokenUrl : null,
    clientId: String(config.clientId ?? ''),
    keyId: typeof config.keyId === 'string' && config.keyId ? config.keyId : null,
    signingAlgorithm: algorithm,
    scope: typeof config.scope === 'string' && config.scope.trim() ? config.scope.trim() : DEFAULT_FHIR_R4_SCOPE,
    pageSize: Number(config.pageSize ?? 100),
    requestTimeoutMs: Number(config.requestTimeoutMs ?? 30000),
    bulkExport: (BULK_EXPORT_MODES as readonly unknown[]).includes(config.bulkExport) ? (config.bulkExport as BulkExportMode) : 'auto',
    groupId: typeof config.groupId === 'string' && config.groupId ? config.groupId : null,
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
 * `clientSecret` → client_secret_basic.
 * @throws ProviderException INVALID_CONFIG (permanent) when neither credential is given or `keyId` is missing.
 */
export function connectionOf(integrationId: string, config: FhirR4Config, credentials: Record<string, string>): FhirConnection {
  const base = { integrationId, fhirBaseUrl: config.fhirBaseUrl, tokenUrl: config.tokenUrl, clientId: config.clientId, scope: config.scope };
  if (credentials.privateKey) {
    if (!config.keyId) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'config.keyId is required with credentials.privateKey', { temporary: false });
    return { ...base, auth: { method: 'private_key_jwt', keyId: config.keyId, algorithm: config.signingAlgorithm, privateKey: credentials.privateKey } };
  }
  if (credentials.clientSecret) return { ...base, auth: { method: 'client_secret_basic', clientSecret: credentials.clientSecret } };
  throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'credentials.privateKey or credentials.clientSecret is required', { temporary: false });
}
