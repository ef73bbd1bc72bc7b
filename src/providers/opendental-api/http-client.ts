import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { instrumentAxios } from '../../common/vendor-metrics';
import { checkAxiosRequest, checkedAgents, throwIfRefused } from '../common/outbound';
import { ProviderExceptionCode } from '../provider.exception';
import { abortableSleep, backoffMs, NOT_SENT_CODES, parseRetryAfter, RequestAborted, RetryOptions } from '../common/retry';
import { SharedThrottle } from '../common/shared-throttle';
import { isTransient400, OpenDentalApiException } from './retry-policy';

/** Query parameters: undefined values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** What one client talks to and how fast. */
export interface ClientSettings {
  baseUrl: string;
  developerKey: string;
  customerKey: string;
  timeoutMs: number;
  /** Start-to-start spacing of requests on this customer key (0 = unthrottled: Local API / API Service). */
  intervalMs: number;
  signal?: AbortSignal;
}

/** The shared, process-wide parts of every client. */
const http: AxiosInstance = axios.create({
  validateStatus: () => true,
  maxRedirects: 0,
  ...checkedAgents(),
});
http.interceptors.request.use(checkAxiosRequest);
instrumentAxios(http, 'opendental-api');

/** `?a=1&b=x%20y`: spaces as %20, as OpenDental's examples write them. */
function queryString(query: QueryParams): string {
  const parts = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function vendorText(data: unknown): string {
  const text = typeof data === 'string' ? data : data === undefined || data === null ? '' : JSON.stringify(data);
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** A failure the loop may try again, with the exception to throw when attempts run out. */
type Outcome = { retry: true; error: OpenDentalApiException; retryAfterMs?: number } | { retry: false; error: OpenDentalApiException };

/**
 * HTTP client of one integration for OpenDental's REST API (§1.1, §1.4):
 * - every request carries `Authorization: ODFHIR {DeveloperKey}/{CustomerKey}` and
 *   `Content-Type: application/json` (GETs included), and waits for its slot in the
 *   Redis-shared per-key throttle first, retries included;
 * - 429 (with `Retry-After`, which also holds back every other worker of the key), 5xx, 504,
 *   timeouts, resets and "eConnector" 400s are retried with exponential backoff and full jitter;
 * - a write (`idempotent: false`) is resent only when it certainly did not run (429, refused
 *   connection); otherwise it fails with `outcomeUnknown` so the caller can look first;
 * - 401 → permanent AUTHENTICATION_FAILED, 404 → NOT_FOUND, 400 → permanent BAD_REQUEST (with
 *   OpenDental's explanation), other 4xx → permanent VENDOR_ERROR,
 *   retries used up → temporary (RATE_LIMITED or CONNECTION_FAILED) for the job to retry later.
 * Messages name the method and path, never the query string (it can hold names, birth dates).
 */
export class OpenDentalApiClient {
  constructor(
    private readonly settings: ClientSettings,
    private readonly throttle: SharedThrottle,
    private readonly retry: RetryOptions,
  ) {}

  /** GET returning the parsed JSON. */
  async get<T = unknown>(path: string, query: QueryParams = {}): Promise<T> {
    return (await this.request<T>('GET', path, query, undefined, true)).data;
  }

  /**
   * Sends one request with the throttle and retry rules above.
   * @throws OpenDentalApiException; RequestAborted when the integration's signal fires.
   */
  async request<T = unknown>(method: 'GET' | 'POST' | 'PUT', path: string, query: QueryParams, body: unknown, idempotent: boolean): Promise<{ status: number; data: T; location?: string }> {
    const { baseUrl, developerKey, customerKey, timeoutMs, intervalMs, signal } = this.settings;
    const what = `${method} ${path}`;
    for (let attempt = 1; ; attempt++) {
      await this.throttle.acquire(customerKey, intervalMs, signal);
      let response: AxiosResponse | null = null;
      let networkCode: string | null = null;
      try {
        response = await http.request({
          method, url: `${baseUrl}${path}${queryString(query)}`, data: body === undefined ? undefined : JSON.stringify(body), timeout: timeoutMs, signal,
          headers: { Authorization: `ODFHIR ${developerKey}/${customerKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        });
      } catch (error) {
        if (signal?.aborted) throw new RequestAborted();
        throwIfRefused(error, 'OpenDental');
        networkCode = String((error as { code?: string }).code ?? 'ERR_NETWORK');
      }
      if (response && response.status >= 200 && response.status < 300) {
        return { status: response.status, data: response.data as T, location: response.headers.location as string | undefined };
      }
      const outcome = response ? this.classify(what, response, idempotent) : this.classifyNetwork(what, networkCode!, idempotent);
      if (!outcome.retry || attempt >= this.retry.maxAttempts) throw outcome.error;
      if (outcome.retryAfterMs) await this.throttle.pushBack(customerKey, outcome.retryAfterMs);
      await abortableSleep(backoffMs(attempt, this.retry, outcome.retryAfterMs), signal);
    }
  }

  private classify(what: string, response: AxiosResponse, idempotent: boolean): Outcome {
    const status = response.status;
    const vendorMessage = vendorText(response.data);
    const base = { vendorStatus: status, vendorMessage, request: what };
    if (status === 401) return { retry: false, error: new OpenDentalApiException(ProviderExceptionCode.AUTHENTICATION_FAILED, `Authentication failed: OpenDental refused the developer or customer key (${what})`, { ...base, temporary: false }) };
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']) ?? 1000;
      return { retry: true, retryAfterMs, error: new OpenDentalApiException(ProviderExceptionCode.RATE_LIMITED, `OpenDental throttled ${what} (429)`, { ...base, retryAfterMs }) };
    }
    if (status >= 500) {
      const error = new OpenDentalApiException(ProviderExceptionCode.CONNECTION_FAILED, `OpenDental answered ${status} to ${what}`, { ...base, temporary: true, outcomeUnknown: !idempotent });
      return { retry: idempotent, error };
    }
    if (status === 400 && isTransient400(vendorMessage)) {
      return { retry: true, error: new OpenDentalApiException(ProviderExceptionCode.CONNECTION_FAILED, `OpenDental could not reach the office for ${what} (400, eConnector)`, { ...base, temporary: true }) };
    }
    if (status === 404) return { retry: false, error: new OpenDentalApiException(ProviderExceptionCode.NOT_FOUND, `OpenDental found nothing for ${what} (404)`, base) };
    if (status === 410) return { retry: false, error: new OpenDentalApiException(ProviderExceptionCode.UNSUPPORTED, `OpenDental no longer supports ${what} (410)`, base) };
    if (status === 400) return { retry: false, error: new OpenDentalApiException(ProviderExceptionCode.BAD_REQUEST, `OpenDental refused ${what} (400)`, { ...base, temporary: false }) };
    return { retry: false, error: new OpenDentalApiException(ProviderExceptionCode.VENDOR_ERROR, `OpenDental refused ${what} (${status})`, { ...base, temporary: false }) };
  }

  private classifyNetwork(what: string, code: string, idempotent: boolean): Outcome {
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    const notSent = NOT_SENT_CODES.has(code);
    const message = timedOut ? `OpenDental did not answer ${what} in time` : `Could not reach OpenDental for ${what} (${code})`;
    const error = new OpenDentalApiException(ProviderExceptionCode.CONNECTION_FAILED, message, { temporary: true, outcomeUnknown: !idempotent && !notSent });
    return { retry: idempotent || notSent, error };
  }
}
