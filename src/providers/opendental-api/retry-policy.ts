import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/**
 * A vendor failure with what the HTTP exchange said: `request` (method and path), `vendorStatus` (OpenDental's status, when
 * it answered), `vendorMessage` (its explanation, which names fields, at most 200 characters),
 * and `outcomeUnknown` for a write that may or may not have been applied (timeout, 5xx, reset
 * after the request was sent): the caller must look before writing again.
 */
export class OpenDentalApiException extends ProviderException {
  constructor(
    code: ProviderExceptionCode,
    message: string,
    options: { temporary?: boolean; retryAfterMs?: number; vendorStatus?: number; vendorMessage?: string; outcomeUnknown?: boolean; request?: string } = {},
  ) {
    super(code, message, options);
    this.request = options.request;
    this.vendorStatus = options.vendorStatus;
    this.vendorMessage = options.vendorMessage;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /** Method and path of the failed request (`GET /patplans`), never its query string. */
  readonly request?: string;
  readonly vendorStatus?: number;
  readonly vendorMessage?: string;
  readonly outcomeUnknown: boolean;
}

/** 400s OpenDental uses for passing trouble (eConnector down, a timeout between the hops), §1.4. */
export function isTransient400(message: string): boolean {
  return /econnector|timed? ?out|timeout|try again/i.test(message);
}
