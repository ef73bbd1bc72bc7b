/** NexHealth's API host for sandbox and production alike (the API key decides, §3). */
import { baseUrlProblem } from '../common/base-url';
export const NEXHEALTH_DEFAULT_BASE_URL = 'https://nexhealth.info';

/** The API version every request names (`Nex-Api-Version`, §3). */
export const NEXHEALTH_API_VERSION = 'v3.0.0';

/** Validated config of a `nexhealth` integration (one institution subdomain, one location). */
export interface NexHealthConfig {
  baseUrl: string;
  subdomain: string;
  locationId: number;
  /** `per_page` of every list (≤ 1000). */
  pageSize: number;
  /** Window of GET /appointments (start and end are required): days back and ahead of now. */
  appointmentsLookbackDays: number;
  appointmentsLookaheadDays: number;
  requireBirthdate: boolean;
  requestTimeoutMs: number;
}

/** JSON Schema of the config (rendered as the setup form; validated on create and update). */
export const NEXHEALTH_CONFIG_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['subdomain', 'locationId'],
  properties: {
    baseUrl: { type: 'string', 'x-outbound': 'url', title: 'API URL', format: 'uri', pattern: '^https?://', maxLength: 500, default: NEXHEALTH_DEFAULT_BASE_URL, description: 'NexHealth Synchronizer API (the same host for sandbox and production keys).' },
    subdomain: { type: 'string', title: 'Institution subdomain', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9-]+$', description: 'The institution (practice group) NexHealth gave the API key access to.', examples: ['riverside-dental'] },
    locationId: { type: 'integer', title: 'Location id', minimum: 1, description: 'NexHealth location to sync (GET /locations lists them).' },
    pageSize: { type: 'integer', title: 'Page size', minimum: 1, maximum: 1000, default: 1000, description: 'per_page of list requests (NexHealth allows up to 1000).' },
    appointmentsLookbackDays: { type: 'integer', title: 'Appointment history (days)', minimum: 0, maximum: 36500, default: 3650, description: 'GET /appointments needs a start/end window: how far back to read.' },
    appointmentsLookaheadDays: { type: 'integer', title: 'Future appointments (days)', minimum: 1, maximum: 3650, default: 730, description: 'How far ahead to read.' },
    requireBirthdate: { type: 'boolean', title: 'Require birth date', default: false, description: 'Skip patients without a birth date (reason missing_birthdate).' },
    requestTimeoutMs: { type: 'integer', title: 'Request timeout (ms)', minimum: 1000, maximum: 120000, default: 30000 },
  },
};

/** Fills defaults on an already schema-validated config. */
export function withDefaults(config: Record<string, unknown>): NexHealthConfig {
  return {
    baseUrl: String(config.baseUrl ?? NEXHEALTH_DEFAULT_BASE_URL).replace(/\/+$/, ''),
    subdomain: String(config.subdomain ?? ''),
    locationId: Number(config.locationId ?? 0),
    pageSize: Number(config.pageSize ?? 1000),
    appointmentsLookbackDays: Number(config.appointmentsLookbackDays ?? 3650),
    appointmentsLookaheadDays: Number(config.appointmentsLookaheadDays ?? 730),
    requireBirthdate: Boolean(config.requireBirthdate ?? false),
    requestTimeoutMs: Number(config.requestTimeoutMs ?? 30000),
  };
}

/** Rules a JSON Schema cannot express: subdomain and locationId present, no link-local or metadata host in `baseUrl`. */
export function checkConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
  const errors: Array<{ field: string; errors: string[] }> = [];
  if (typeof config.subdomain !== 'string' || !config.subdomain) errors.push({ field: 'config.subdomain', errors: ['config.subdomain is required'] });
  if (!Number.isInteger(config.locationId) || Number(config.locationId) < 1) errors.push({ field: 'config.locationId', errors: ['config.locationId must be a positive integer'] });
  const badUrl = baseUrlProblem(config.baseUrl);
  if (badUrl) errors.push(badUrl);
  return errors;
}
