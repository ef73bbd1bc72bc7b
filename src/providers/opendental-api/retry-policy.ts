import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/**
 * A vendor failure with what the HTTP exchange said: `vendorStatus` (OpenDental's status, when
 * it answered), `vendorMessage` (its explanation, which names fields, at most 200 characters),
 * and `outcomeUnknown` for a write that may or may not have been applied (timeout, 5xx, reset
 * after the request was sent): the caller must look before writing again.
 */
export class OpenDentalApiException extends ProviderException {
  constructor(
    code: ProviderExceptionCode,
    message: string,
    options: { temporary?: boolean; retryAfterMs?: number; vendorStatus?: number; vendorMessage?: string; outcomeUnknown?: boolean } = {},
  ) {
    super(code, message, options);
    this.vendorStatus = options.vendorStatus;
    this.vendorMessage = options.vendorMessage;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  readonly vendorStatus?: number;
  readonly vendorMessage?: string;
  readonly outcomeUnknown: boolean;
}

/** 400s OpenDental uses for passing trouble (eConnector down, a timeout between the hops), §1.4. */
export function isTransient400(message: string): boolean {
  return /econnector|timed? ?out|timeout|try again/i.test(message);
}
