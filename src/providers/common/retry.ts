/**
 * Retry primitives shared by the HTTP adapters (OpenDental REST API §1.4, NexHealth §3): an
 * abortable sleep, full-jitter exponential backoff and `Retry-After` parsing. Vendor-specific
 * classification (which statuses are temporary) stays in each vendor's folder.
 */

/** Retry settings of an HTTP client. */
export interface RetryOptions {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+1 is random in [0, min(max, base × 2^(n-1))] ("full jitter"), never less than Retry-After. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Thrown when the integration's AbortSignal fires during a wait: the read stops between requests. */
export class RequestAborted extends Error {
  constructor() {
    super('Aborted');
    this.name = 'RequestAborted';
  }
}

/** Sleeps `ms`; rejects with {@link RequestAborted} as soon as `signal` fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new RequestAborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Delay in ms before the next attempt after `attempt` failed ones (full jitter, at least `retryAfterMs`). */
export function backoffMs(attempt: number, options: RetryOptions, retryAfterMs = 0, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Network errors after which the request certainly never reached the server (safe to resend a write). */
export const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
