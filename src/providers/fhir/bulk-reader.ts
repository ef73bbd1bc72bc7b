import { createInterface } from 'node:readline';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { collect, emptyBatch, seal } from '../common/read-batch';
import { abortableSleep, parseRetryAfter } from '../common/retry';
import type { CanonicalRecord, Checkpoint, ReadBatch, ReadRequest } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import type { FhirClient } from './fhir-client';
import type { FhirResource } from './fhir-types';
import { outcomeCodes } from './operation-outcome';
import { finishFullPass, noteSeen, ReconcileState, reconcileStateOf } from './reconcile';

/**
 * Where a Bulk Data export stands (https://hl7.org/fhir/uv/bulkdata/export.html), as stored in
 * the checkpoint: the status URL once kicked off, the manifest's files of this type once complete,
 * the file and line reached (lines already in committed batches), and the next `_since`.
 */
export interface BulkCheckpoint {
  v: 1;
  kind: 'bulk';
  statusUrl: string | null;
  kickoffAt: string | null;
  /** `_since` of the running export (null: a full export). */
  since: string | null;
  /** The manifest's `transactionTime` of the last completed export: the next `_since` when incremental. */
  watermark: string | null;
  files: string[] | null;
  deleted: string[];
  /** The manifest's `error` files (one type per export: every error is about this type). */
  errors: string[];
  requiresAccessToken: boolean;
  transactionTime: string | null;
  fileIndex: number;
  line: number;
  reconcile: ReconcileState;
}

/** One resource read by Bulk export. Times in ms. */
export interface BulkSpec {
  resourceType: string;
  /** `Group/{id}/$export`, `Patient/$export` or `$export`, relative to the base. */
  kickoffPath: string;
  /** Pass `_since` = the last export's `transactionTime` (servers where exports are incremental). */
  incremental: boolean;
  /** Longest status-poll wait spent in-process; a longer `Retry-After` ends the read with a temporary error carrying it. */
  maxWaitMs: number;
  map: (resource: FhirResource) => CanonicalRecord;
}

/** Status polls wait at least this long without a Retry-After, and at least this long with one (ms). */
const DEFAULT_POLL_MS = 1000;
const MIN_POLL_MS = 100;
/** Polls of one read sleep at most this many times `maxWaitMs` in all: a server answering short Retry-Afters for hours does not hold a worker (the job re-enters later). */
const POLL_BUDGET_FACTOR = 3;

function parse(checkpoint: Checkpoint | null | undefined): BulkCheckpoint | null {
  const c = checkpoint as Partial<BulkCheckpoint> | null | undefined;
  if (c?.v !== 1 || c.kind !== 'bulk') return null;
  return {
    v: 1, kind: 'bulk', statusUrl: c.statusUrl ?? null, kickoffAt: c.kickoffAt ?? null, since: c.since ?? null, watermark: c.watermark ?? null,
    files: c.files ?? null, deleted: c.deleted ?? [], errors: c.errors ?? [], requiresAccessToken: c.requiresAccessToken ?? true, transactionTime: c.transactionTime ?? null,
    fileIndex: c.fileIndex ?? 0, line: c.line ?? 0, reconcile: reconcileStateOf(c),
  };
}

function fresh(reconcile: ReconcileState, watermark: string | null): BulkCheckpoint {
  return {
    v: 1, kind: 'bulk', statusUrl: null, kickoffAt: null, since: null, watermark, files: null, deleted: [], errors: [], requiresAccessToken: true,
    transactionTime: null, fileIndex: 0, line: 0, reconcile,
  };
}

/**
 * Reads one resource type by Bulk Data `$export` (the SMART bulk-data-client's state machine,
 * FHIR-R4.md §1.2): kick-off `GET {kickoffPath}?_type={Type}[&_since]` with `Prefer:
 * respond-async` → the status URL is committed at once (an empty batch), so a retry or another
 * worker polls the same export instead of starting one → polls honour `Retry-After` and log
 * nothing of `X-Progress` but its presence; a wait longer than `maxWaitMs`, or one that would take
 * the read's polling past 3 × `maxWaitMs` in all, ends the read with a
 * temporary RATE_LIMITED carrying it (the job re-enters from the checkpoint later; Cerner and eCW
 * answer hours) → the manifest's files of this type are streamed line by line (never a whole
 * file in memory) with the file and line in each batch's checkpoint, so a worker killed during a
 * download resumes at that line without duplicates → `deleted` files give tombstones → `DELETE`
 * the status URL → the next `_since` is the manifest's `transactionTime`. File requests carry the
 * bearer token only when `requiresAccessToken` and only to the base's origin; a redirect
 * (Cerner 307 to storage, cerner/fhir.cerner.com#899) is followed without `Authorization`. A full
 * export (no `_since`) reconciles: ids known before and missing are checked by id (reconcile.ts).
 * A file silent for `requestTimeoutMs` ends the read with a temporary error (resumed at its line); a
 * line that is not a FHIR resource in JSON is a failed row `invalid_ndjson`, not a failed read; each
 * OperationOutcome of an `error` file is a failed row `bulk_export_error` with its issue and vendor
 * codes (never `diagnostics`, which can quote patient data).
 * A full pass (`checkpoint: null`) always exports without `_since`; an unfinished full export in the
 * prior checkpoint (a full pass restarted) is resumed, not restarted.
 * @throws ProviderException (RATE_LIMITED temporary while the export runs; the client's errors).
 */
export async function* readBulk(client: FhirClient, spec: BulkSpec, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const prior = parse(request.priorCheckpoint);
  // `checkpoint: null` is a full pass: it resumes only a full export the prior pass left unfinished,
  // and never takes the prior watermark (that made every periodic full pass a `_since` export, so
  // nothing was ever reconciled; found against Medplum's server, fhir-r4.foreign-server.spec.ts).
  let cp = parse(request.checkpoint) ?? (prior && !prior.since && (prior.statusUrl || prior.files) ? prior : null);
  cp ??= fresh(reconcileStateOf(request.checkpoint ?? request.priorCheckpoint), null);
  // A status URL the server no longer knows (404: purged or expired) starts a new export, once per read.
  for (let restarted = false; !cp.files; restarted = true) {
    if (!cp.statusUrl && !cp.files) {
      cp.since = spec.incremental ? cp.watermark : null;
      cp.reconcile.seen = cp.since ? null : {};
      const query = new URLSearchParams({ _type: spec.resourceType, ...(cp.since ? { _since: cp.since } : {}) });
      const kick = await client.http.exchange('GET', `${spec.kickoffPath}?${query.toString()}`, { headers: { Prefer: 'respond-async' } });
      const location = kick.headers['content-location'];
      if (kick.status !== 202 || !location) throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `Bulk export kick-off answered ${kick.status} without a Content-Location`, { temporary: false });
      cp.statusUrl = new URL(location, client.http.resolve(spec.kickoffPath)).toString();
      cp.kickoffAt = new Date().toISOString();
      yield seal(emptyBatch(), cp); // committed before any wait: the export is never kicked off twice
    }
    const pollStarted = Date.now();
    while (!cp.files) {
      const status = await client.http.exchange('GET', cp.statusUrl!).catch((error: unknown) => {
        if (error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND) return null;
        throw error;
      });
      if (!status) {
        if (restarted) throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'Bulk export status URL unknown to the server right after its kick-off (404)', { temporary: true });
        cp = fresh(cp.reconcile, cp.watermark);
        break;
      }
      if (status.status === 202) {
        const wait = Math.max(MIN_POLL_MS, parseRetryAfter(status.headers['retry-after']) ?? DEFAULT_POLL_MS);
        if (wait > spec.maxWaitMs || Date.now() - pollStarted + wait > spec.maxWaitMs * POLL_BUDGET_FACTOR) {
          throw new ProviderException(ProviderExceptionCode.RATE_LIMITED, `Bulk export of ${spec.resourceType} still running (${status.headers['x-progress'] ? 'progress reported' : 'no progress reported'}); the server asks to wait ${Math.round(wait / 1000)} s`, {
            // At least the in-process cap: the worker re-enters a job after a long wait without spending an attempt.
            temporary: true, retryAfterMs: Math.max(wait, spec.maxWaitMs),
          });
        }
        await abortableSleep(wait, signal);
        continue;
      }
      const manifest = status.body as { transactionTime?: string; requiresAccessToken?: boolean; output?: Array<{ type?: string; url?: string }>; deleted?: Array<{ url?: string }>; error?: Array<{ url?: string }> };
      cp.files = (manifest.output ?? []).filter((f) => f.type === spec.resourceType && f.url).map((f) => f.url!);
      cp.deleted = (manifest.deleted ?? []).filter((f) => f.url).map((f) => f.url!);
      cp.errors = (manifest.error ?? []).filter((f) => f.url).map((f) => f.url!);
      cp.requiresAccessToken = manifest.requiresAccessToken !== false;
      cp.transactionTime = manifest.transactionTime ?? cp.kickoffAt;
      cp.fileIndex = 0;
      cp.line = 0;
    }
  }
  let batch = emptyBatch();
  let remaining = request.limit;
  const all = [...cp.files, ...cp.deleted, ...cp.errors];
  for (; cp.fileIndex < all.length; cp.fileIndex++, cp.line = 0) {
    const isError = cp.fileIndex >= cp.files.length + cp.deleted.length;
    const isDeleted = !isError && cp.fileIndex >= cp.files.length;
    const stream = await openFile(client, all[cp.fileIndex], cp.requiresAccessToken).catch((error: unknown) => {
      if (error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND) return null;
      throw error;
    });
    if (!stream) {
      // Files expire (Cerner: 30 days) or the job was purged: forget the export so the re-run kicks
      // off anew from the same watermark (re-sent rows are unchanged upserts), instead of failing
      // on the same dead URL for ever.
      const gone = cp.fileIndex + 1;
      cp = fresh(cp.reconcile, cp.watermark);
      yield seal(batch, cp);
      throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `Bulk export file ${gone} is gone (404); the export starts again`, { temporary: true });
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      let n = 0;
      for await (const text of lines) {
        if (n++ < cp.line || !text.trim()) continue; // already committed before a restart
        cp.line = n;
        const resource = parseLine(text);
        if (!resource) {
          // A corrupt line fails that row alone, named by position (never by content); the file goes on.
          batch.fetched++;
          batch.failed.push({ externalId: null, code: 'invalid_ndjson', message: `Bulk export file ${cp.fileIndex + 1}, line ${n} is not a FHIR resource in JSON` });
        } else if (isError) {
          const { issueCodes, vendorCodes } = outcomeCodes(resource);
          const codes = [issueCodes.length ? `issue ${issueCodes.join(',')}` : '', vendorCodes.length ? `vendor code ${vendorCodes.join(',')}` : ''].filter(Boolean).join('; ');
          batch.fetched++;
          batch.failed.push({ externalId: null, code: 'bulk_export_error', message: `The server could not export a ${spec.resourceType}${codes ? ` (${codes})` : ''}` });
        } else if (isDeleted) {
          const ids = deletedIds(resource, spec.resourceType);
          batch.deletedExternalIds.push(...ids);
          batch.fetched += ids.length;
        }
        else if (resource.resourceType === spec.resourceType && resource.id) {
          noteSeen(cp.reconcile, [resource], () => '');
          const count = await collect(batch, resource.id, () => spec.map(resource));
          if (remaining !== undefined) remaining -= count;
        }
        if (batch.fetched >= request.batchSize || (remaining !== undefined && remaining <= 0) || signal?.aborted) {
          yield seal(batch, cp);
          batch = emptyBatch();
          if ((remaining !== undefined && remaining <= 0) || signal?.aborted) return;
        }
      }
    } finally {
      lines.close();
      stream.destroy();
    }
  }
  if (cp.reconcile.seen) await finishFullPass(client, spec.resourceType, cp.reconcile, batch, spec.map);
  await client.http.exchange('DELETE', cp.statusUrl!).catch(() => undefined); // cleanup; the server expires files anyway
  const watermark = spec.incremental ? cp.transactionTime : null;
  cp = { ...fresh(cp.reconcile, watermark) };
  yield seal(batch, cp);
}

/** A file as a stream: with the bearer when required, a redirect followed once without it. */
async function openFile(client: FhirClient, url: string, withToken: boolean): Promise<Readable> {
  const headers = { Accept: 'application/fhir+ndjson' };
  let answer = await client.http.exchange('GET', url, { headers, stream: true, bearer: withToken });
  if (answer.status >= 300 && answer.status < 400) {
    (answer.body as Readable).destroy();
    const location = answer.headers.location;
    if (!location) throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'Bulk file redirect without a Location', { temporary: false });
    answer = await client.http.exchange('GET', new URL(location, url).toString(), { headers, stream: true, bearer: false });
    if (answer.status >= 300) throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'Bulk file redirected twice', { temporary: false });
  }
  // axios's timeout ends with the headers: a server that stalls mid-file would hold the read forever.
  // Silent for timeoutMs (or not read while a batch commits that long): a temporary error, and the
  // re-run resumes at the last committed line.
  const body = answer.body as IncomingMessage;
  const { timeoutMs } = client.http.settings;
  body.setTimeout?.(timeoutMs, () => body.destroy(new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, `Bulk file sent nothing for ${timeoutMs} ms`, { temporary: true })));
  return body;
}

/** One NDJSON line as a FHIR resource, or null when it is not one. */
function parseLine(text: string): FhirResource | null {
  try {
    const value = JSON.parse(text) as FhirResource;
    return value && typeof value === 'object' && typeof value.resourceType === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Ids of `type` a `deleted` Bundle names (entries `request: { method: DELETE, url: Type/id }`). */
function deletedIds(bundle: FhirResource, type: string): string[] {
  const entries = (bundle.entry as Array<{ request?: { method?: string; url?: string } }> | undefined) ?? [];
  return entries
    .map((e) => e.request)
    .filter((r) => r?.method === 'DELETE' && typeof r.url === 'string' && r.url.startsWith(`${type}/`))
    .map((r) => r!.url!.slice(type.length + 1).split(/[/?]/)[0]);
}
