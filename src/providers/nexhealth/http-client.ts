import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { instrumentAxios } from '../../common/vendor-metrics';
import { checkAxiosRequest, checkedAgents, throwIfRefused } from '../common/outbound';
import { abortableSleep, backoffMs, NOT_SENT_CODES, parseRetryAfter, RequestAborted, RetryOptions } from '../common/retry';
import { SharedThrottle } from '../common/shared-throttle';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { acceptFor } from './media-types';
import { NEXHEALTH_API_VERSION } from './nexhealth.config';
import { NexHealthClientLimits, windowsFor } from './rate-limits';
import { NexHealthTokenCache } from './token-cache';

/** Query parameters: undefined values are left out, arrays are sent as `name[]=a&name[]=b`. */
export type QueryParams = Record<string, string | number | boolean | Array<string | number> | undefined>;

/** NexHealth's response envelope (§3): `code`, `description`, `error[]`, `data`, `page_info?`, `count?`. */
export interface NexEnvelope<T> {
  code: boolean;
  description?: string;
  error?: string[];
  data: T;
  page_info?: { has_previous_page?: boolean; has_next_page?: boolean; start_cursor?: string | null; end_cursor?: string | null };
  count?: number;
}

/** A parsed answer with the server's `Date` header (epoch ms, null when absent). */
export interface NexResponse<T> {
  status: number;
  body: NexEnvelope<T>;
  serverTime: number | null;
}

/** What one client talks to. */
export interface NexClientSettings {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Process-wide parts shared by every client. */
export interface NexClientDeps {
  throttle: SharedThrottle;
  tokens: NexHealthTokenCache;
  retry: RetryOptions;
  limits: NexHealthClientLimits;
}

const http: AxiosInstance = axios.create({
  validateStatus: () => true, maxRedirects: 0,
  ...checkedAgents(),
});
http.interceptors.request.use(checkAxiosRequest);
instrumentAxios(http, 'nexhealth');

function queryString(query: QueryParams): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) parts.push(`${encodeURIComponent(`${k}[]`)}=${encodeURIComponent(String(item))}`);
    else parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

type Outcome = { retry: boolean; error: ProviderException; retryAfterMs?: number };

/**
 * A NexHealth refusal of one request that a read may turn into a resource-level failure: its
 * HTTP status (403 or 404) and `request` (method and path, never the query string).
 */
export class NexHealthRefusal extends ProviderException {
  constructor(code: ProviderExceptionCode, message: string, readonly vendorStatus: 403 | 404, readonly request: string) {
    super(code, message, { temporary: false });
  }
}

/**
 * HTTP client of one integration for the NexHealth Synchronizer API (§3):
 * - `Nex-Api-Version: v3.0.0` and `Authorization: Bearer <token>` on every call; the token comes
 *   from `POST /authenticates` (`Authorization: <API_KEY>`), is cached in-process until shortly
 *   before it expires and refreshed once when NexHealth answers 401; a 401 after the refresh
 *   (or from /authenticates) is a permanent AUTHENTICATION_FAILED;
 * - every request (retries and authentication included) first waits for room in the API key's
 *   rate-limit windows, shared by every worker through Redis (rate-limits.ts);
 * - 429 (Retry-After honoured, else 1 s), 5xx, timeouts and resets are retried with full-jitter
 *   backoff; when attempts run out the error is temporary (RATE_LIMITED / CONNECTION_FAILED);
 * - 404 → NOT_FOUND, 400/422 → permanent BAD_REQUEST, 403 → permanent
 *   AUTHENTICATION_FAILED (no access to the subdomain/location), other 4xx → permanent VENDOR_ERROR.
 * Messages name the vendor, the method and path and the status: never the query string (it can hold
 * names or dates of birth), never NexHealth's own error text (it can echo what was sent).
 */
export class NexHealthClient {
  constructor(
    private readonly settings: NexClientSettings,
    private readonly deps: NexClientDeps,
  ) {}

  /** GET returning the envelope and the server time. @throws ProviderException; RequestAborted when the signal fires. */
  get<T>(path: string, query: QueryParams = {}): Promise<NexResponse<T>> {
    return this.request<T>('GET', path, query);
  }

  /**
   * One request with the auth, pacing and retry rules above. Writes (POST/DELETE of webhook
   * registrations) are retried too: both are safe to repeat or are cleaned up by the caller.
   */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, query: QueryParams = {}, body?: unknown): Promise<NexResponse<T>> {
    const what = `${method} ${path}`;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.token();
      const { response, networkCode } = await this.send(method, path, query, body, { Authorization: `Bearer ${token}` });
      if (response && response.status >= 200 && response.status < 300) return this.parsed<T>(response);
      if (response?.status === 401 && !refreshed) {
        // Expired or revoked early: drop it, authenticate again, try once more (not counted as an attempt).
        this.deps.tokens.invalidate(this.settings.baseUrl, this.settings.apiKey, token);
        refreshed = true;
        attempt--;
        continue;
      }
      const outcome = response ? this.classify(what, response) : this.networkOutcome(what, networkCode);
      if (!outcome.retry || attempt >= this.deps.retry.maxAttempts) throw outcome.error;
      await abortableSleep(backoffMs(attempt, this.deps.retry, outcome.retryAfterMs), this.settings.signal);
    }
  }

  private token(): Promise<string> {
    return this.deps.tokens.get(this.settings.baseUrl, this.settings.apiKey, () => this.authenticate());
  }

  /** POST /authenticates with `Authorization: <API_KEY>`; retried like any request, 401 is permanent. */
  private async authenticate(): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const { response, networkCode } = await this.send('POST', '/authenticates', {}, undefined, { Authorization: this.settings.apiKey });
      if (response && response.status >= 200 && response.status < 300) {
        const token = (response.data as { data?: { token?: unknown } } | null)?.data?.token;
        if (typeof token !== 'string' || !token) throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'NexHealth /authenticates answered without a token', { temporary: false });
        return token;
      }
      const outcome = response?.status === 401
        ? { retry: false, error: new ProviderException(ProviderExceptionCode.AUTHENTICATION_FAILED, 'Authentication failed: NexHealth refused the API key (POST /authenticates)', { temporary: false }) }
        : response ? this.classify('POST /authenticates', response) : this.networkOutcome('POST /authenticates', networkCode);
      if (!outcome.retry || attempt >= this.deps.retry.maxAttempts) throw outcome.error;
      await abortableSleep(backoffMs(attempt, this.deps.retry, outcome.retryAfterMs), this.settings.signal);
    }
  }

  /** Paces, then sends once. A network failure or timeout gives `response: null` and its code. @throws RequestAborted. */
  private async send(method: string, path: string, query: QueryParams, body: unknown, auth: Record<string, string>): Promise<{ response: AxiosResponse | null; networkCode: string }> {
    const { baseUrl, apiKey, timeoutMs, signal } = this.settings;
    await this.deps.throttle.acquireWindows(apiKey, windowsFor(method, path, this.deps.limits), signal);
    try {
      const response = await http.request({
        method, url: `${baseUrl}${path}${queryString(query)}`, timeout: timeoutMs, signal,
        data: body === undefined ? undefined : JSON.stringify(body),
        headers: { ...auth, 'Nex-Api-Version': NEXHEALTH_API_VERSION, Accept: acceptFor(method, path), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      });
      return { response, networkCode: '' };
    } catch (error) {
      if (signal?.aborted) throw new RequestAborted();
      throwIfRefused(error, 'NexHealth');
      return { response: null, networkCode: String((error as { code?: string }).code ?? 'ERR_NETWORK') };
    }
  }

  private parsed<T>(response: AxiosResponse): NexResponse<T> {
    const date = typeof response.headers.date === 'string' ? Date.parse(response.headers.date) : Number.NaN;
    const body = (response.status === 204 || response.data === '' ? { code: true, data: null } : response.data) as NexEnvelope<T>;
    return { status: response.status, body, serverTime: Number.isNaN(date) ? null : date };
  }

  private classify(what: string, response: AxiosResponse): Outcome {
    const status = response.status;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']) ?? 1000;
      return { retry: true, retryAfterMs, error: new ProviderException(ProviderExceptionCode.RATE_LIMITED, `NexHealth rate-limited ${what} (429)`, { retryAfterMs }) };
    }
    if (status >= 500) return { retry: true, error: new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, `NexHealth answered ${status} to ${what}`, { temporary: true }) };
    if (status === 401) return { retry: false, error: new ProviderException(ProviderExceptionCode.AUTHENTICATION_FAILED, `Authentication failed: NexHealth refused a fresh token (${what})`, { temporary: false }) };
    if (status === 403) return { retry: false, error: new NexHealthRefusal(ProviderExceptionCode.AUTHENTICATION_FAILED, `NexHealth denied access to ${what} (403)`, 403, what) };
    if (status === 404) return { retry: false, error: new NexHealthRefusal(ProviderExceptionCode.NOT_FOUND, `NexHealth found nothing for ${what} (404)`, 404, what) };
    if (status === 400 || status === 422) return { retry: false, error: new ProviderException(ProviderExceptionCode.BAD_REQUEST, `NexHealth refused ${what} (${status})`, { temporary: false }) };
    return { retry: false, error: new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `NexHealth refused ${what} (${status})`, { temporary: false }) };
  }

  private networkOutcome(what: string, code: string): Outcome {
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    const message = timedOut ? `NexHealth did not answer ${what} in time` : `Could not reach NexHealth for ${what} (${NOT_SENT_CODES.has(code) ? code : 'network error'})`;
    return { retry: true, error: new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, message, { temporary: true }) };
  }
}
