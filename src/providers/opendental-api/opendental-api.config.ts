import { isValidTimeZone } from '../opendental-shared/values';
import { baseUrlProblem } from '../common/base-url';

/** The REST API's public address (§1.1). */
export const OPENDENTAL_API_DEFAULT_BASE_URL = 'https://api.opendental.com/api/v1';

/** `remote` = api.opendental.com through the eConnector (throttled, 100 per page); `local` / `service` = the office's Local API or API Service (not throttled, up to 1000 per page), §1.3–1.4. */
export type OpenDentalApiMode = 'remote' | 'local' | 'service';

/** Validated config of an `opendental-api` integration. */
export interface OpenDentalApiConfig {
  baseUrl: string;
  apiMode: OpenDentalApiMode;
  timeZone: string;
  readOnly: boolean;
  clinicNums?: number[];
  pageSize: number;
  requireBirthdate: boolean;
  requestTimeoutMs: number;
}

/** Credentials of an `opendental-api` integration: `Authorization: ODFHIR {developerKey}/{customerKey}`. */
export interface OpenDentalApiCredentials {
  developerKey: string;
  customerKey: string;
}

/** JSON Schema of the config (rendered as the setup form; validated on create and update). */
export const OPENDENTAL_API_CONFIG_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: {
      'x-outbound': 'url',
      type: 'string', title: 'API URL', format: 'uri', pattern: '^https?://', maxLength: 500, default: OPENDENTAL_API_DEFAULT_BASE_URL,
      description: "OpenDental's cloud API, or the office's own Local API / API Service URL.",
    },
    apiMode: {
      type: 'string', title: 'API mode', enum: ['remote', 'local', 'service'], default: 'remote',
      description: 'remote: api.opendental.com (1 request/s per customer key, 100 rows per page). local / service: the Local API or API Service (not throttled, up to 1000 rows per page).',
    },
    timeZone: { type: 'string', title: 'Office time zone', description: 'IANA zone of the office: OpenDental dates carry no offset.', default: 'UTC', examples: ['America/Chicago'] },
    readOnly: { type: 'boolean', title: 'Read-only key', description: 'The developer key has only ApiReadAll: OpenDental allows 1 request per 5 s and no writes.', default: false },
    clinicNums: { type: 'array', title: 'Clinics', description: 'Only sync patients, appointments and operatories of these ClinicNums (omit for all).', items: { type: 'integer', minimum: 0 }, uniqueItems: true, maxItems: 100 },
    pageSize: { type: 'integer', title: 'Page size', description: 'Rows per request (Limit): at most 100 remote, 1000 local/service.', minimum: 1, maximum: 1000, default: 100 },
    requireBirthdate: { type: 'boolean', title: 'Require birth date', description: 'Skip patients without a birth date (reason missing_birthdate).', default: true },
    requestTimeoutMs: { type: 'integer', title: 'Request timeout (ms)', description: 'OpenDental stops a request at 60 s (504).', minimum: 1000, maximum: 120000, default: 65000 },
  },
};

/** Fills defaults on an already schema-validated config. */
export function withDefaults(config: Record<string, unknown>): OpenDentalApiConfig {
  return {
    baseUrl: String(config.baseUrl ?? OPENDENTAL_API_DEFAULT_BASE_URL).replace(/\/+$/, ''),
    apiMode: (config.apiMode as OpenDentalApiMode | undefined) ?? 'remote',
    timeZone: String(config.timeZone ?? 'UTC'),
    readOnly: Boolean(config.readOnly ?? false),
    clinicNums: (config.clinicNums as number[] | undefined)?.length ? (config.clinicNums as number[]) : undefined,
    pageSize: Number(config.pageSize ?? 100),
    requireBirthdate: config.requireBirthdate === undefined ? true : Boolean(config.requireBirthdate),
    requestTimeoutMs: Number(config.requestTimeoutMs ?? 65000),
  };
}

/**
 * The rules a JSON Schema cannot express: an IANA `timeZone`; `pageSize` above 100 only for
 * the Local API / API Service; no link-local or metadata host in `baseUrl`.
 */
export function checkConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
  const errors: Array<{ field: string; errors: string[] }> = [];
  if (config.timeZone !== undefined && !(typeof config.timeZone === 'string' && isValidTimeZone(config.timeZone))) {
    errors.push({ field: 'config.timeZone', errors: ['config.timeZone must be an IANA time zone such as America/Chicago'] });
  }
  if (Number(config.pageSize ?? 100) > 100 && (config.apiMode ?? 'remote') === 'remote') {
    errors.push({ field: 'config.pageSize', errors: ['config.pageSize may exceed 100 only with apiMode local or service'] });
  }
  const badUrl = baseUrlProblem(config.baseUrl);
  if (badUrl) errors.push(badUrl);
  return errors;
}
