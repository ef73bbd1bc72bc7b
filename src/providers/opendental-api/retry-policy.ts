import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/**
 * A vendor failure with what the HTTP exchange said: `request` (method and path), `vendorStatus` (OpenDental's status, when
 * it answered), `vendorMessage` (its explanation, at most 200 characters: for the adapter's own
 * decisions only, never put in `message`, a response or a log line, since it can echo PHI sent),
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
    // Not enumerable: a serialised or logged exception never carries OpenDental's text.
    Object.defineProperty(this, 'vendorMessage', { value: options.vendorMessage, enumerable: false });
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /** Method and path of the failed request (`GET /patplans`), never its query string. */
  readonly request?: string;
  readonly vendorStatus?: number;
  declare readonly vendorMessage?: string;
  readonly outcomeUnknown: boolean;
}

/** 400s OpenDental uses for passing trouble (eConnector down, a timeout between the hops), §1.4. */
export function isTransient400(message: string): boolean {
  return /econnector|timed? ?out|timeout|try again/i.test(message);
}
