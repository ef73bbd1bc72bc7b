import { OutboundAddressRefused } from '../../common/outbound-connect';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';

export { checkAxiosRequest, checkedAgents, resolveChecked } from '../../common/outbound-connect';

/** The refusal behind `error` (thrown by the request check, or by the agent's lookup and wrapped by axios), or null. */
function refusalOf(error: unknown): OutboundAddressRefused | null {
  for (let e: unknown = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundAddressRefused) return e;
  }
  return null;
}

/**
 * Turns a refused outbound address into a permanent INVALID_CONFIG ProviderException (never
 * retried: the address will not become allowed by waiting); other errors pass through.
 * @throws ProviderException when `error` is a refusal.
 */
export function throwIfRefused(error: unknown, vendor: string): void {
  const refused = refusalOf(error);
  if (refused) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, `${vendor} address refused by the outbound-address policy: ${refused.reason}`, { temporary: false });
}
