import { ProviderException, ProviderExceptionCode } from '../../providers/provider.exception';
import { reentryDelayMs } from './sync.worker';

describe('reentryDelayMs', () => {
  const waiting = (ms: number | undefined, temporary = true) => new ProviderException(ProviderExceptionCode.RATE_LIMITED, 'Bulk export still running', { temporary, retryAfterMs: ms });

  it('delays a job by the wait a temporary vendor error names (Retry-After: 7200), capped at 6 h', () => {
    expect(reentryDelayMs(waiting(7_200_000), 1)).toBe(7_200_000);
    expect(reentryDelayMs(waiting(3 * 86_400_000), 1)).toBe(6 * 3_600_000);
  });

  it('leaves short waits, permanent errors, errors without a wait and a job re-entered 48 times to the ordinary backoff', () => {
    expect(reentryDelayMs(waiting(5_000), 1)).toBeNull();
    expect(reentryDelayMs(waiting(7_200_000, false), 1)).toBeNull();
    expect(reentryDelayMs(waiting(undefined), 1)).toBeNull();
    expect(reentryDelayMs(new Error('boom'), 1)).toBeNull();
    expect(reentryDelayMs(waiting(7_200_000), 49)).toBeNull();
  });
});
