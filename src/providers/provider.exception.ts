import { DomainException } from '../common/domain-exception';

/** Codes for vendor failures. `temporary` ones are retried with backoff; the rest fail at once. */
export enum ProviderExceptionCode {
  AUTHENTICATION_FAILED = 'PROVIDER_AUTHENTICATION_FAILED',
  CONNECTION_FAILED = 'PROVIDER_CONNECTION_FAILED',
  RATE_LIMITED = 'PROVIDER_RATE_LIMITED',
  NOT_FOUND = 'PROVIDER_NOT_FOUND',
  INVALID_CONFIG = 'PROVIDER_INVALID_CONFIG',
  UNSUPPORTED = 'PROVIDER_UNSUPPORTED',
  UNKNOWN_VENDOR = 'PROVIDER_UNKNOWN_VENDOR',
  VENDOR_ERROR = 'PROVIDER_VENDOR_ERROR',
  /** The vendor refused the action because of the state of its data (operatory taken, appointment not Scheduled…). */
  CONFLICT = 'PROVIDER_CONFLICT',
  /** The vendor rejected the request as malformed (its 400). */
  BAD_REQUEST = 'PROVIDER_BAD_REQUEST',
  /**
   * One resource cannot be read because its source does not exist (an OpenDental table missing,
   * a vendor endpoint answering 404 for the whole list). Permanent; the sync engine fails that
   * resource alone and reads the others.
   */
  RESOURCE_NOT_FOUND = 'PROVIDER_RESOURCE_NOT_FOUND',
  /**
   * One resource cannot be read because the credentials lack the right to it (a missing table or
   * column grant, a vendor endpoint answering 403). Permanent; the engine fails that resource alone.
   */
  RESOURCE_FORBIDDEN = 'PROVIDER_RESOURCE_FORBIDDEN',
}

/** The codes that fail one resource of a sync, not the whole job (see {@link isResourceUnavailable}). */
export const RESOURCE_UNAVAILABLE_CODES: ReadonlySet<ProviderExceptionCode> = new Set([
  ProviderExceptionCode.RESOURCE_NOT_FOUND, ProviderExceptionCode.RESOURCE_FORBIDDEN,
]);

const TEMPORARY = new Set<ProviderExceptionCode>([ProviderExceptionCode.CONNECTION_FAILED, ProviderExceptionCode.RATE_LIMITED]);

const STATUS: Record<ProviderExceptionCode, number> = {
  PROVIDER_AUTHENTICATION_FAILED: 502,
  PROVIDER_CONNECTION_FAILED: 502,
  PROVIDER_RATE_LIMITED: 503,
  PROVIDER_NOT_FOUND: 404,
  PROVIDER_INVALID_CONFIG: 400,
  PROVIDER_UNSUPPORTED: 400,
  PROVIDER_UNKNOWN_VENDOR: 400,
  PROVIDER_VENDOR_ERROR: 502,
  PROVIDER_CONFLICT: 409,
  PROVIDER_BAD_REQUEST: 400,
  PROVIDER_RESOURCE_NOT_FOUND: 502,
  PROVIDER_RESOURCE_FORBIDDEN: 502,
};

/**
 * A vendor failure with a code, a safe message (no secret, no PHI) and whether retrying may help.
 * Adapters translate driver and HTTP errors into this; the sync engine retries temporary ones
 * (2 s, 4 s, 8 s) and fails the job at once on permanent ones.
 */
export class ProviderException extends DomainException<ProviderExceptionCode> {
  readonly temporary: boolean;

  constructor(code: ProviderExceptionCode, message: string, options: { temporary?: boolean; retryAfterMs?: number } = {}) {
    super(code, message);
    this.temporary = options.temporary ?? TEMPORARY.has(code);
    this.retryAfterMs = options.retryAfterMs;
  }

  readonly retryAfterMs?: number;

  get status(): number {
    return STATUS[this.code];
  }
}

/** Whether `error` says one resource is unreadable (missing at the source, or not granted), so only that resource fails. */
export function isResourceUnavailable(error: unknown): error is ProviderException {
  return error instanceof ProviderException && RESOURCE_UNAVAILABLE_CODES.has(error.code);
}

/** Stable codes of a resource that could not be read, as jobs and the connection test report them. */
export type ResourceFailureCode = 'resource_not_found' | 'resource_forbidden';

/** The stable per-resource code of a resource-level failure (see {@link isResourceUnavailable}). */
export function resourceFailureCode(error: ProviderException): ResourceFailureCode {
  return error.code === ProviderExceptionCode.RESOURCE_FORBIDDEN ? 'resource_forbidden' : 'resource_not_found';
}
