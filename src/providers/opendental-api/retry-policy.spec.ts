import { instantToLocal, minusSeconds, toOfficeLocal } from './office-time';
import { backoffMs, parseRetryAfter } from '../common/retry';
import { isTransient400 } from './retry-policy';

describe('retry policy', () => {
  const options = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

  it('backoff is full jitter under an exponential ceiling, capped, and never shorter than Retry-After', () => {
    expect(backoffMs(1, options, 0, () => 0.999)).toBe(999);
    expect(backoffMs(4, options, 0, () => 0.999)).toBe(7992);
    expect(backoffMs(10, options, 0, () => 0.999)).toBe(29_970);
    expect(backoffMs(1, options, 5000, () => 0.5)).toBe(5000);
  });

  it('Retry-After: delta-seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('an eConnector or timeout 400 is passing trouble; a field error is not', () => {
    expect(isTransient400('The eConnector is not running')).toBe(true);
    expect(isTransient400('PatNum is required')).toBe(false);
  });
});

describe('office time', () => {
  it('an office-local time is kept; an instant is converted into the office zone', () => {
    expect(toOfficeLocal('2026-07-01 09:30', 'America/Chicago')).toBe('2026-07-01 09:30:00');
    expect(toOfficeLocal('2026-07-01T14:30:00Z', 'America/Chicago')).toBe('2026-07-01 09:30:00');
    expect(toOfficeLocal('2026-01-05T09:30:00-05:00', 'America/Chicago')).toBe('2026-01-05 08:30:00');
    expect(() => toOfficeLocal('tomorrow', 'UTC')).toThrow();
    expect(instantToLocal(new Date('2026-03-08T08:00:00Z'), 'America/Chicago')).toBe('2026-03-08 03:00:00');
  });

  it('minusSeconds is wall-time arithmetic', () => {
    expect(minusSeconds('2026-01-01 00:00:00', 1)).toBe('2025-12-31 23:59:59');
  });
});
