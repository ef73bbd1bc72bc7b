import axios, { AxiosInstance, AxiosResponse } from 'axios';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { instrumentAxios } from '../../../common/vendor-metrics';
import { checkAxiosRequest, checkedAgents, throwIfRefused } from '../../common/outbound';
import { abortableSleep, backoffMs, NOT_SENT_CODES, parseRetryAfter, RequestAborted } from '../../common/retry';
import { ProviderException, ProviderExceptionCode } from '../../provider.exception';
import type { BearerSource, FhirHttp } from '../fhir-http';
import { fhirError } from '../operation-outcome';

/** Redirect hops followed for one file before giving up. */
const MAX_REDIRECTS = 5;
/** Bytes of an error body read from a stream (an OperationOutcome is small). */
const ERROR_BODY_LIMIT = 64 * 1024;

const client: AxiosInstance = axios.create({ validateStatus: () => true, maxRedirects: 0, ...checkedAgents() });
// Status URLs, manifest file URLs and every redirect hop are vendor answers: each is judged by the outbound-address policy.
client.interceptors.request.use(checkAxiosRequest);
instrumentAxios(client, 'fhir-bulk');

/** One request's shape. `authorise`: send the bearer token (only ever to the FHIR base's origin). */
export interface BulkRequest {
  method: 'GET' | 'DELETE';
  url: string;
  accept: string;
  prefer?: string;
  stream?: boolean;
  authorise: boolean;
}

async function readSmall(stream: Readable): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ERROR_BODY_LIMIT) break;
    chunks.push(chunk);
  }
  stream.destroy();
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * HTTP of the Bulk Data client (https://hl7.org/fhir/uv/bulkdata/export.html), with the rules of
 * {@link FhirHttp}: the bearer token only to the FHIR base's origin, a 401 renews it once, 429
 * and 5xx honour `Retry-After` up to `maxRetryWaitMs` (longer: a temporary error carrying the
 * wait), network failures back off. Unlike FhirHttp it returns headers (`Content-Location`,
 * `Retry-After`, `X-Progress`) and streams NDJSON, following redirects by hand without the
 * `Authorization` header (cerner/fhir.cerner.com#899: storage must never see the token).
 */
export class BulkHttp {
  private readonly origin: string;

  constructor(
    readonly http: FhirHttp,
    private readonly bearer: BearerSource | null,
  ) {
    this.origin = new URL(http.settings.baseUrl).origin;
  }

  /** True when `url` is on the FHIR base's origin (the only place a token may go). */
  sameOrigin(url: string): boolean {
    return new URL(url).origin === this.origin;
  }

  /**
   * Sends one request; returns any answer that is not a retried 401/429/5xx. @throws
   * ProviderException (temporary after the attempts, or when Retry-After exceeds the cap;
   * INVALID_CONFIG when the outbound policy refuses the address); RequestAborted.
   */
  async send(request: BulkRequest): Promise<AxiosResponse> {
    const { settings } = this.http;
    const what = this.http.label(request.method, request.url);
    const authorise = request.authorise && this.bearer !== null && this.sameOrigin(request.url);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = authorise ? await this.bearer!.token() : '';
      const headers: Record<string, string> = { Accept: request.accept, ...(request.prefer ? { Prefer: request.prefer } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) };
      let response: AxiosResponse;
      try {
        response = await client.request({ method: request.method, url: request.url, headers, timeout: settings.timeoutMs, signal: settings.signal, responseType: request.stream ? 'stream' : 'json' });
      } catch (error) {
        if (settings.signal?.aborted) throw new RequestAborted();
        throwIfRefused(error, 'The FHIR server');
        const code = String((error as { code?: string }).code ?? 'ERR_NETWORK');
        if (attempt >= settings.maxAttempts) {
          throw new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, `Could not reach the FHIR server for ${what} (${NOT_SENT_CODES.has(code) ? code : 'network error'})`, { temporary: true });
        }
        await abortableSleep(backoffMs(attempt, this.retry()), settings.signal);
        continue;
      }
      if (response.status === 401 && token && !refreshed) {
        if (request.stream) (response.data as Readable).destroy();
        await this.bearer!.invalidate(token);
        refreshed = true;
        attempt--;
        continue;
      }
      if (response.status !== 429 && response.status < 500) return response;
      const body = request.stream ? await readSmall(response.data as Readable) : response.data;
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      const error = fhirError(what, response.status, body, retryAfterMs);
      if (!error.temporary || attempt >= settings.maxAttempts || (retryAfterMs !== undefined && retryAfterMs > settings.maxRetryWaitMs)) throw error;
      await abortableSleep(backoffMs(attempt, this.retry(), retryAfterMs), settings.signal);
    }
  }

  /** The error of a non-2xx answer (its OperationOutcome read, streams included). */
  async errorOf(request: BulkRequest, response: AxiosResponse): Promise<ProviderException> {
    const body = request.stream ? await readSmall(response.data as Readable) : response.data;
    return fhirError(this.http.label(request.method, request.url), response.status, body);
  }

  /**
   * Opens an NDJSON file as a byte stream. The token goes with the first request only when
   * `withToken` (the manifest's `requiresAccessToken`) and the URL is on the base's origin;
   * redirects (301/302/303/307/308) are followed without it, each hop checked by the outbound policy.
   * @throws ProviderException (VENDOR_ERROR after too many hops or a redirect without Location).
   */
  async openFile(url: string, withToken: boolean): Promise<Readable> {
    let current = url;
    let authorise = withToken;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const request: BulkRequest = { method: 'GET', url: current, accept: 'application/fhir+ndjson', stream: true, authorise };
      const response = await this.send(request);
      if (response.status >= 200 && response.status < 300) {
        // axios's timeout ends with the headers: a server that stalls mid-file would hang the read.
        // Idle for timeoutMs (sending nothing, or us not reading while a batch commits) ends it as a
        // temporary error; the re-run resumes at the last committed line.
        const body = response.data as IncomingMessage;
        const { timeoutMs } = this.http.settings;
        body.setTimeout?.(timeoutMs, () => body.destroy(new ProviderException(ProviderExceptionCode.CONNECTION_FAILED,
          `FHIR server sent nothing of ${this.http.label('GET', url)} for ${timeoutMs} ms`, { temporary: true })));
        return body;
      }
      if ([301, 302, 303, 307, 308].includes(response.status)) {
        (response.data as Readable).destroy();
        const location = response.headers.location;
        if (typeof location !== 'string' || !location) break;
        current = new URL(location, current).href;
        authorise = false;
        continue;
      }
      throw await this.errorOf(request, response);
    }
    throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `FHIR server redirected ${this.http.label('GET', url)} without a usable Location or more than ${MAX_REDIRECTS} times`, { temporary: false });
  }

  private retry(): { maxAttempts: number; baseDelayMs: number; maxDelayMs: number } {
    const s = this.http.settings;
    return { maxAttempts: s.maxAttempts, baseDelayMs: s.retryBaseDelayMs, maxDelayMs: s.retryMaxDelayMs };
  }
}
