import { abortableSleep, parseRetryAfter } from '../../common/retry';
import { ProviderException, ProviderExceptionCode } from '../../provider.exception';
import { FHIR_JSON } from '../fhir-http';
import type { BulkHttp } from './bulk-http';

/** The NDJSON media type the IG names for `_outputFormat` (export.html#query-parameters). */
export const FHIR_NDJSON = 'application/fhir+ndjson';

/** One file of a complete manifest (export.html#response---complete-status). */
export interface ManifestFile {
  type: string;
  url: string;
  count?: number;
}

/** What the client keeps of a complete manifest. */
export interface BulkManifest {
  transactionTime: string;
  requiresAccessToken: boolean;
  output: ManifestFile[];
  deleted: ManifestFile[];
  error: ManifestFile[];
}

/** Polling settings (ms): `pollMs` when the server sends no Retry-After; single waits above `maxWaitMs` and total waits above `maxPollMs` end the in-process wait. */
export interface PollSettings {
  pollMs: number;
  minPollMs: number;
  maxWaitMs: number;
  maxPollMs: number;
}

/** Outcome of one status check: still running (with the wait the server asked for), gone (404/410) or complete. */
export type PollResult = { state: 'running'; waitMs: number; progress: string | null } | { state: 'gone' } | { state: 'complete'; manifest: BulkManifest };

/** `X-Progress` as a short safe label (servers send "50% complete" or "in-progress (12%)"). */
function progressLabel(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const safe = value.replace(/[^\w %().:/-]/g, '').slice(0, 60).trim();
  return safe || null;
}

const files = (value: unknown): ManifestFile[] =>
  (Array.isArray(value) ? value : []).filter((f): f is ManifestFile => typeof f?.url === 'string' && /^https?:\/\//i.test(f.url) && typeof f.type === 'string');

/**
 * Kick-off (export.html#bulk-data-kick-off-request): `GET [base]/{path}?_type&_since&_outputFormat`
 * with `Accept: application/fhir+json` and `Prefer: respond-async`; the answer must be 202 with
 * `Content-Location` (the status URL). GET, not POST: Epic and Cerner document GET (FHIR-R4.md §1.2).
 * @param path `$export`, `Patient/$export` or `Group/{id}/$export`. @throws ProviderException.
 */
export async function kickOff(http: BulkHttp, path: string, params: { type: string; since: string | null }): Promise<string> {
  const query = new URLSearchParams({ _type: params.type, _outputFormat: FHIR_NDJSON, ...(params.since ? { _since: params.since } : {}) });
  const request = { method: 'GET' as const, url: `${http.http.resolve(path)}?${query}`, accept: FHIR_JSON, prefer: 'respond-async', authorise: true };
  const response = await http.send(request);
  const location = response.headers['content-location'];
  if (response.status === 202 && typeof location === 'string' && location) return new URL(location, request.url).href;
  if (response.status === 202 || (response.status >= 200 && response.status < 300)) {
    throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `FHIR server answered ${response.status} to ${http.http.label('GET', request.url)} without a Content-Location status URL`, { temporary: false });
  }
  throw await http.errorOf(request, response);
}

/** One status request (export.html#bulk-data-status-request). @throws ProviderException (an error status other than 404/410, a bad manifest). */
export async function checkStatus(http: BulkHttp, statusUrl: string, settings: PollSettings): Promise<PollResult> {
  const request = { method: 'GET' as const, url: statusUrl, accept: 'application/json', authorise: true };
  const response = await http.send(request);
  if (response.status === 202) {
    const asked = parseRetryAfter(response.headers['retry-after']);
    return { state: 'running', waitMs: Math.max(settings.minPollMs, asked ?? settings.pollMs), progress: progressLabel(response.headers['x-progress']) };
  }
  if (response.status === 404 || response.status === 410) return { state: 'gone' };
  if (response.status !== 200) throw await http.errorOf(request, response);
  const body = response.data as Record<string, unknown> | null;
  const at = typeof body?.transactionTime === 'string' ? Date.parse(body.transactionTime) : Number.NaN;
  if (!body || Number.isNaN(at) || !Array.isArray(body.output)) {
    throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'FHIR server answered a Bulk manifest without transactionTime or output', { temporary: false });
  }
  return {
    state: 'complete',
    manifest: { transactionTime: new Date(at).toISOString(), requiresAccessToken: body.requiresAccessToken !== false, output: files(body.output), deleted: files(body.deleted), error: files(body.error) },
  };
}

/**
 * Polls until the export completes or is gone, sleeping what `Retry-After` asks (at least
 * `minPollMs`). A wait above `maxWaitMs`, or one that would take the total past `maxPollMs`,
 * is not slept: a temporary RATE_LIMITED carrying `retryAfterMs` is thrown so the job re-enters
 * later from its checkpoint (the status URL is already saved) instead of holding a worker
 * (smart-on-fhir/bulk-data-client#14, eClinicalWorks `Retry-After: 7200`).
 * @throws ProviderException; RequestAborted.
 */
export async function pollExport(http: BulkHttp, statusUrl: string, settings: PollSettings): Promise<Exclude<PollResult, { state: 'running' }>> {
  const started = Date.now();
  for (;;) {
    const result = await checkStatus(http, statusUrl, settings);
    if (result.state !== 'running') return result;
    const spent = Date.now() - started;
    if (result.waitMs > settings.maxWaitMs || spent + result.waitMs > settings.maxPollMs) {
      throw new ProviderException(ProviderExceptionCode.RATE_LIMITED,
        `Bulk export still running${result.progress ? ` (${result.progress})` : ''}; next status check in ${Math.ceil(result.waitMs / 1000)} s`, { temporary: true, retryAfterMs: result.waitMs });
    }
    await abortableSleep(result.waitMs, http.http.settings.signal);
  }
}

/** `DELETE` on the status URL once the files are read (export.html#bulk-data-delete-request). Failures are ignored: the server expires files anyway. */
export async function cleanUp(http: BulkHttp, statusUrl: string): Promise<boolean> {
  try {
    const response = await http.send({ method: 'DELETE', url: statusUrl, accept: FHIR_JSON, authorise: true });
    return response.status >= 200 && response.status < 300;
  } catch (error) {
    if (error instanceof ProviderException) return false;
    throw error;
  }
}
