import axios, { AxiosInstance, AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import { instrumentAxios } from '../../common/vendor-metrics';
import { checkAxiosRequest, checkedAgents, throwIfRefused } from '../common/outbound';
import { abortableSleep, backoffMs, NOT_SENT_CODES, parseRetryAfter, RequestAborted } from '../common/retry';
import type { RateWindow, SharedThrottle } from '../common/shared-throttle';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { fhirError } from './operation-outcome';

/** Where bearer tokens come from (see token-cache.ts); `invalidate` drops one the server refused. */
export interface BearerSource {
  token(): Promise<string>;
  invalidate(token: string): Promise<void>;
}

/** Settings of one integration's FHIR HTTP client. Times in ms. */
export interface FhirHttpSettings {
  /** The FHIR base (`https://host/fhir/r4`), no trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Longest `Retry-After` waited in-process; a longer one raises a temporary RATE_LIMITED carrying it. */
  maxRetryWaitMs: number;
  signal?: AbortSignal;
  /** A request budget shared by every worker (eClinicalWorks: 250 calls a minute per base URL); each request waits for room first. */
  budget?: { throttle: SharedThrottle; key: string; windows: RateWindow[] };
}

/** A parsed FHIR answer with the server's `Date` (epoch ms, null when absent). */
export interface FhirResponse<T> {
  status: number;
  body: T;
  serverTime: number | null;
}

/** Methods the client sends (POST and PATCH for write-back, DELETE for Bulk cleanup). */
export type FhirMethod = 'GET' | 'DELETE' | 'POST' | 'PATCH';

/** Options of {@link FhirHttp.exchange}: extra headers, a JSON body, a stream answer, no bearer. */
export interface ExchangeOptions {
  headers?: Record<string, string>;
  body?: unknown;
  stream?: boolean;
  bearer?: boolean;
}

/** An exchange's answer: status, lower-cased headers, JSON body (or a stream when asked), the server's `Date`. */
export interface FhirExchange {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  serverTime: number | null;
}

/** The media type FHIR R4 defines for JSON (http://hl7.org/fhir/R4/http.html#mime-type). */
export const FHIR_JSON = 'application/fhir+json';

const http: AxiosInstance = axios.create({
  validateStatus: () => true, maxRedirects: 0, responseType: 'json',
  ...checkedAgents(),
});
// Every URL (configured base, next links a server sent) is judged by the outbound-address policy.
http.interceptors.request.use(checkAxiosRequest);
instrumentAxios(http, 'fhir');

/**
 * HTTP client of one integration for a FHIR R4 server (http://hl7.org/fhir/R4/http.html):
 * - `Accept: application/fhir+json`; the bearer token is sent only to the FHIR base's origin
 *   (a next link or reference pointing elsewhere gets no `Authorization` header);
 * - a 401 drops the token and retries once with a fresh one (not counted as an attempt);
 * - 429 and 503 honour `Retry-After` (seconds or HTTP-date) up to `maxRetryWaitMs`; a longer
 *   wait throws a temporary RATE_LIMITED with `retryAfterMs` so the job re-enters later instead
 *   of holding a worker; 5xx, timeouts and resets back off with full jitter;
 * - other errors are classified by OperationOutcome `issue.code` (operation-outcome.ts).
 * - with a `budget`, each request first waits for room in the shared per-base-URL windows.
 * Messages name the method and path relative to the base, never the query (it can carry names).
 */
export class FhirHttp {
  private readonly origin: string;

  constructor(
    readonly settings: FhirHttpSettings,
    private readonly bearer: BearerSource | null,
  ) {
    this.origin = new URL(settings.baseUrl).origin;
  }

  /** Absolute URL of a path relative to the base (`Patient?_count=10`), or the URL itself when absolute. */
  resolve(pathOrUrl: string): string {
    return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${this.settings.baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`;
  }

  /** `GET Patient` style label: the path relative to the base, without query. */
  label(method: string, url: string): string {
    const parsed = new URL(url);
    const base = new URL(this.settings.baseUrl).pathname.replace(/\/+$/, '');
    const path = parsed.origin === this.origin && parsed.pathname.startsWith(base) ? parsed.pathname.slice(base.length) : `${parsed.origin}${parsed.pathname}`;
    return `${method} ${path.replace(/^\/+/, '') || '/'}`;
  }

  /** GET a FHIR resource or Bundle. @throws ProviderException; RequestAborted when the signal fires. */
  async get<T>(pathOrUrl: string): Promise<FhirResponse<T>> {
    const { status, body, serverTime } = await this.exchange('GET', pathOrUrl);
    return { status, body: body as T, serverTime };
  }

  /**
   * One exchange under the rules above, for any method: extra headers (`Prefer: respond-async`),
   * a body as a stream (`stream: true`, for NDJSON read line by line) or parsed JSON, and
   * `bearer: false` for URLs that must not get the token (a redirect target). Answers 2xx and 3xx
   * with their headers; 4xx/5xx become ProviderExceptions as for {@link get}.
   * @throws ProviderException; RequestAborted when the signal fires.
   */
  async exchange(method: FhirMethod, pathOrUrl: string, options: ExchangeOptions = {}): Promise<FhirExchange> {
    // A create is not idempotent (Oracle Health: search before retrying): POST is sent once; PATCH carries If-Match.
    const maxAttempts = method === 'POST' ? 1 : this.settings.maxAttempts;
    const url = this.resolve(pathOrUrl);
    const what = this.label(method, url);
    const authorised = options.bearer !== false && this.bearer !== null && new URL(url).origin === this.origin;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = authorised ? await this.bearer!.token() : null;
      const budget = this.settings.budget;
      if (budget) await budget.throttle.acquireWindows(budget.key, budget.windows, this.settings.signal);
      const { response, networkCode } = await this.send(method, url, token, options);
      if (response && response.status >= 200 && response.status < 400) return this.parsed(response, options.stream === true);
      if (response && options.stream) response.data = await drain(response.data as Readable);
      if (response?.status === 401 && token && !refreshed) {
        await this.bearer!.invalidate(token);
        refreshed = true;
        attempt--;
        continue;
      }
      if (!response) {
        const timedOut = networkCode === 'ECONNABORTED' || networkCode === 'ETIMEDOUT';
        const error = new ProviderException(ProviderExceptionCode.CONNECTION_FAILED,
          timedOut ? `FHIR server did not answer ${what} in time` : `Could not reach the FHIR server for ${what} (${NOT_SENT_CODES.has(networkCode) ? networkCode : 'network error'})`, { temporary: true });
        if (attempt >= maxAttempts) throw error;
        await abortableSleep(backoffMs(attempt, this.retry()), this.settings.signal);
        continue;
      }
      const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
      const error = fhirError(what, response.status, response.data, retryAfterMs);
      if (!error.temporary || attempt >= maxAttempts) throw error;
      if (retryAfterMs !== undefined && retryAfterMs > this.settings.maxRetryWaitMs) throw error;
      await abortableSleep(backoffMs(attempt, this.retry(), retryAfterMs), this.settings.signal);
    }
  }

  private retry(): { maxAttempts: number; baseDelayMs: number; maxDelayMs: number } {
    return { maxAttempts: this.settings.maxAttempts, baseDelayMs: this.settings.retryBaseDelayMs, maxDelayMs: this.settings.retryMaxDelayMs };
  }

  private async send(method: FhirMethod, url: string, token: string | null, options: ExchangeOptions): Promise<{ response: AxiosResponse | null; networkCode: string }> {
    const { timeoutMs, signal } = this.settings;
    try {
      const response = await http.request({
        method, url, timeout: timeoutMs, signal, responseType: options.stream ? 'stream' : 'json', data: options.body,
        headers: { Accept: FHIR_JSON, ...options.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      });
      return { response, networkCode: '' };
    } catch (error) {
      if (signal?.aborted) throw new RequestAborted();
      throwIfRefused(error, 'The FHIR server');
      return { response: null, networkCode: String((error as { code?: string }).code ?? 'ERR_NETWORK') };
    }
  }

  private parsed(response: AxiosResponse, stream: boolean): FhirExchange {
    const date = typeof response.headers.date === 'string' ? Date.parse(response.headers.date) : Number.NaN;
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
    if (stream) return { status: response.status, body: response.data as Readable, headers, serverTime: Number.isNaN(date) ? null : date };
    let body: unknown = response.data;
    if (typeof body === 'string' && body.trim().startsWith('{')) {
      try {
        body = JSON.parse(body);
      } catch {
        throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `FHIR server answered malformed JSON to ${this.label('GET', response.config.url ?? this.settings.baseUrl)}`, { temporary: false });
      }
    }
    return { status: response.status, body, headers, serverTime: Number.isNaN(date) ? null : date };
  }
}

/** Reads a (small) error body of a streamed answer: at most 64 KB, parsed as JSON when it is. */
async function drain(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > 65_536) break;
    chunks.push(chunk as Buffer);
  }
  stream.destroy();
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
