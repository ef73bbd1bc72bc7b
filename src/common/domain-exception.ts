/**
 * Base of every coded exception the API raises on purpose. Module exceptions extend it
 * with their own `XxxExceptionCode` enum and a code → HTTP status map; the global filter
 * turns it into `{ statusCode, error, message, details?, requestId }`.
 * Messages must be safe to show: no PHI, no secret, no internals.
 */
export abstract class DomainException<Code extends string = string> extends Error {
  abstract readonly status: number;

  constructor(
    readonly code: Code,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Codes shared by every module. */
export enum CommonExceptionCode {
  NOT_FOUND = 'NOT_FOUND',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  CONFLICT = 'CONFLICT',
  UNAUTHORIZED = 'UNAUTHORIZED',
  FORBIDDEN = 'FORBIDDEN',
}

const COMMON_STATUS: Record<CommonExceptionCode, number> = {
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
};

/** A coded exception for the cases every module has (missing object, bad input, conflict, auth). */
export class CommonException extends DomainException<CommonExceptionCode> {
  get status(): number {
    return COMMON_STATUS[this.code];
  }

  /** 404 for an object that does not exist or belongs to another organization (never say which). */
  static notFound(what: string): CommonException {
    return new CommonException(CommonExceptionCode.NOT_FOUND, `${what} not found`);
  }

  /** 400 naming the offending field(s) in `details`. */
  static validation(message: string, details?: unknown): CommonException {
    return new CommonException(CommonExceptionCode.VALIDATION_FAILED, message, details);
  }

  static conflict(message: string, details?: unknown): CommonException {
    return new CommonException(CommonExceptionCode.CONFLICT, message, details);
  }
}
