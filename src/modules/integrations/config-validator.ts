import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { checkHost, checkUrl, OutboundPolicy } from '../../common/outbound-policy';
import { FieldError } from '../../common/validation';
import { VendorDescriptor } from '../../providers/provider-adapter';
import { IntegrationException, IntegrationExceptionCode } from './integration.exception';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function toFieldError(error: ErrorObject, prefix: string): FieldError {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const base = path ? `${prefix}.${path}` : prefix;
  if (error.keyword === 'required') {
    const field = `${base}.${(error.params as { missingProperty: string }).missingProperty}`;
    return { field, errors: [`${field} is required`] };
  }
  if (error.keyword === 'additionalProperties') {
    const field = `${base}.${(error.params as { additionalProperty: string }).additionalProperty}`;
    return { field, errors: [`${field} is not a known field`] };
  }
  return { field: base, errors: [`${base} ${error.message ?? 'is invalid'}`] };
}

/**
 * Outbound targets in `config`: every top-level property the vendor's schema marks
 * `'x-outbound': 'url'` (a base URL) or `'host'` (a host name or IP in any spelling) is judged
 * by the outbound-address policy (common/outbound-policy.ts), so a tenant cannot point the hub
 * at loopback, link-local, metadata or unlisted private addresses (OWASP API7). Resolved
 * addresses are checked again when connecting.
 * @returns one FieldError per refused field (`config.baseUrl must not be a loopback address…`).
 */
export function outboundConfigProblems(descriptor: VendorDescriptor, config: Record<string, unknown>, policy: OutboundPolicy): FieldError[] {
  const properties = (descriptor.configSchema.properties ?? {}) as Record<string, { 'x-outbound'?: 'url' | 'host' }>;
  const problems: FieldError[] = [];
  for (const [name, schema] of Object.entries(properties)) {
    const kind = schema['x-outbound'];
    const value = config[name];
    if (!kind || typeof value !== 'string') continue;
    const problem = kind === 'url' ? checkUrl(value, policy) : checkHost(value, policy);
    if (problem) problems.push({ field: `config.${name}`, errors: [`config.${name} is not allowed: ${problem}`] });
  }
  return problems;
}

/**
 * Validates `config` against the vendor's JSON Schema.
 * @throws IntegrationException INVALID_CONFIG (400) whose message and `details` name each field, e.g. `config.port must be integer`.
 */
export function validateConfig(descriptor: VendorDescriptor, config: unknown, extra: FieldError[] = []): void {
  let validate = compiled.get(descriptor.id);
  if (!validate) {
    validate = ajv.compile(descriptor.configSchema);
    compiled.set(descriptor.id, validate);
  }
  const errors = validate(config) ? [] : (validate.errors ?? []).map((e) => toFieldError(e, 'config'));
  const all = [...errors, ...extra];
  if (all.length) {
    throw new IntegrationException(IntegrationExceptionCode.INVALID_CONFIG, `Invalid config: ${all.flatMap((e) => e.errors).join('; ')}`, all);
  }
}

/**
 * Checks credentials against the vendor's credential fields: required ones present as non-empty
 * strings, no unknown names. Messages name fields, never values.
 * @throws IntegrationException INVALID_CREDENTIALS (400).
 */
export function validateCredentials(descriptor: VendorDescriptor, credentials: Record<string, unknown>): Record<string, string> {
  const known = new Map(descriptor.credentialFields.map((f) => [f.name, f]));
  const errors: FieldError[] = [];
  for (const field of descriptor.credentialFields) {
    const value = credentials[field.name];
    if (field.required && (typeof value !== 'string' || value.length === 0)) {
      errors.push({ field: `credentials.${field.name}`, errors: [`credentials.${field.name} is required and must be a non-empty string`] });
    }
  }
  for (const [name, value] of Object.entries(credentials)) {
    if (!known.has(name)) errors.push({ field: `credentials.${name}`, errors: [`credentials.${name} is not a known credential field`] });
    else if (typeof value !== 'string') errors.push({ field: `credentials.${name}`, errors: [`credentials.${name} must be a string`] });
  }
  if (errors.length) {
    throw new IntegrationException(IntegrationExceptionCode.INVALID_CREDENTIALS, `Invalid credentials: ${errors.flatMap((e) => e.errors).join('; ')}`, errors);
  }
  return credentials as Record<string, string>;
}
