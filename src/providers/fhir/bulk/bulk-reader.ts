import { createInterface } from 'node:readline';
import { collect, emptyBatch, seal } from '../../common/read-batch';
import type { CanonicalRecord, Checkpoint, ReadBatch, ReadRequest } from '../../provider-adapter';
import type { FhirResource } from '../fhir-types';
import { outcomeCodes } from '../operation-outcome';
import { BulkManifest, cleanUp, kickOff, pollExport, PollSettings } from './bulk-export';
import type { BulkHttp } from './bulk-http';
import { ProviderException, ProviderExceptionCode } from '../../provider.exception';

/**
 * Where a Bulk read stands, as stored in the checkpoint:
 * - `since`: `_since` of the next export (the last complete export's `transactionTime`); null = everything;
 * - `export`: the export in flight: its status URL, the `_since` it was asked with, the files of
 *   this resource once the manifest is in, and the position: file index and lines consumed in it.
 */
export interface BulkCheckpoint {
  v: 1;
  mode: 'bulk';
  since: string | null;
  export: null | {
    statusUrl: string;
    kickedOffAt: string;
    since: string | null;
    manifest: null | { transactionTime: string; requiresAccessToken: boolean; files: Array<{ kind: 'output' | 'deleted' | 'error'; url: string }> };
    file: number;
    line: number;
  };
}

/** One resource's Bulk read. */
export interface BulkReadSpec {
  resourceType: string;
  /** `$export`, `Patient/$export` or `Group/{id}/$export`. */
  kickOffPath: string;
  poll: PollSettings;
  map: (resource: FhirResource) => CanonicalRecord;
}

/** True when the checkpoint was written by this reader. */
export function isBulkCheckpoint(checkpoint: Checkpoint | null): boolean {
  return (checkpoint as Partial<BulkCheckpoint> | null)?.mode === 'bulk';
}

function parse(checkpoint: Checkpoint | null): BulkCheckpoint {
  const c = checkpoint as Partial<BulkCheckpoint> | null;
  if (c?.v !== 1 || c.mode !== 'bulk') return { v: 1, mode: 'bulk', since: null, export: null };
  return { v: 1, mode: 'bulk', since: c.since ?? null, export: c.export ? { ...c.export } : null };
}

/** The `Type/id` of a deleted-file entry's `request.url` (relative or absolute). */
function deletedRef(url: unknown): [string, string] | null {
  if (typeof url !== 'string') return null;
  const parts = url.split('?')[0].split('/').filter(Boolean);
  return parts.length >= 2 ? [parts[parts.length - 2], parts[parts.length - 1]] : null;
}

function keep(manifest: BulkManifest, type: string): NonNullable<NonNullable<BulkCheckpoint['export']>['manifest']> {
  return {
    transactionTime: manifest.transactionTime, requiresAccessToken: manifest.requiresAccessToken,
    files: [
      ...manifest.output.filter((f) => f.type === type).map((f) => ({ kind: 'output' as const, url: f.url })),
      ...manifest.deleted.map((f) => ({ kind: 'deleted' as const, url: f.url })),
      // One type per export: every error the server reports is about this type.
      ...manifest.error.map((f) => ({ kind: 'error' as const, url: f.url })),
    ],
  };
}

/**
 * Reads one resource type by Bulk Data `$export` (https://hl7.org/fhir/uv/bulkdata/export.html)
 * into batches: kick-off (the status URL is checkpointed at once, in an empty batch), polling
 * (bulk-export.ts), then each NDJSON file streamed line by line with readline (never a whole
 * file in memory). The checkpoint holds the file index and the lines consumed, so a worker killed
 * mid-file resumes after the last committed line (the file is fetched again and the lines before
 * it skipped). `deleted` files (transaction Bundles of `DELETE` entries) give deletedExternalIds.
 * When every file is read: `DELETE` on the status URL, and the next `_since` = `transactionTime`.
 * A status URL that is gone (404/410: expired or purged) starts a new export once; a file that is
 * gone drops the export from the checkpoint and raises a temporary error (the re-run starts anew).
 * A line that is not a FHIR resource in JSON is a failed row (`invalid_ndjson`), not a failed read;
 * each OperationOutcome of an `error` file is a failed row `bulk_export_error` naming its issue and
 * vendor codes (never `diagnostics`, which can quote patient data).
 * @throws ProviderException from the HTTP client.
 */
export async function* readBulk(http: BulkHttp, spec: BulkReadSpec, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const cp = parse(request.checkpoint);
  let remaining = request.limit;
  for (let restarts = 0; !cp.export?.manifest; restarts++) {
    if (!cp.export) {
      const statusUrl = await kickOff(http, spec.kickOffPath, { type: spec.resourceType, since: cp.since });
      cp.export = { statusUrl, kickedOffAt: new Date().toISOString(), since: cp.since, manifest: null, file: 0, line: 0 };
      yield seal(emptyBatch(), cp);
    }
    const result = await pollExport(http, cp.export.statusUrl, spec.poll);
    if (result.state === 'complete') {
      cp.export.manifest = keep(result.manifest, spec.resourceType);
      yield seal(emptyBatch(), cp);
    } else if (restarts === 0) cp.export = null;
    else throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'FHIR server forgot a Bulk export right after its kick-off (status URL 404 twice)', { temporary: true });
  }
  const job = cp.export;
  const manifest = job.manifest!;
  let batch = emptyBatch();
  for (; job.file < manifest.files.length; job.file++, job.line = 0) {
    const file = manifest.files[job.file];
    const stream = await http.openFile(file.url, manifest.requiresAccessToken).catch((error: unknown) => {
      if (error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND) return null;
      throw error;
    });
    if (!stream) {
      // Files expire (Cerner: 30 days) or the server purged the job: forget it so the re-run kicks off anew from the same _since.
      cp.export = null;
      yield seal(batch, cp);
      throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `Bulk export file ${job.file + 1} is gone (404); the export starts again`, { temporary: true });
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      let n = 0;
      for await (const line of lines) {
        n++;
        if (n <= job.line) continue; // committed before the worker stopped
        job.line = n;
        if (!line.trim()) continue;
        const resource = parseLine(line);
        if (!resource) {
          // One bad line fails that row alone (named by position, never by content); the file goes on.
          batch.fetched++;
          batch.failed.push({ externalId: null, code: 'invalid_ndjson', message: `Bulk export file ${job.file + 1}, line ${n} is not a FHIR resource in JSON` });
        } else if (file.kind === 'error') {
          const { issueCodes, vendorCodes } = outcomeCodes(resource);
          const codes = [issueCodes.length ? `issue ${issueCodes.join(',')}` : '', vendorCodes.length ? `vendor code ${vendorCodes.join(',')}` : ''].filter(Boolean).join('; ');
          batch.fetched++;
          batch.failed.push({ externalId: null, code: 'bulk_export_error', message: `The server could not export a ${spec.resourceType}${codes ? ` (${codes})` : ''}` });
        } else if (file.kind === 'deleted') {
          for (const entry of (resource.entry as Array<{ request?: { method?: string; url?: string } }> | undefined) ?? []) {
            const ref = entry.request?.method === 'DELETE' ? deletedRef(entry.request.url) : null;
            if (ref && ref[0] === spec.resourceType) {
              batch.deletedExternalIds.push(ref[1]);
              batch.fetched++;
              if (remaining !== undefined) remaining--;
            }
          }
        } else if (resource.resourceType === spec.resourceType && typeof resource.id === 'string') {
          const count = await collect(batch, resource.id, () => spec.map(resource));
          if (remaining !== undefined) remaining -= count;
        }
        const limited = remaining !== undefined && remaining <= 0;
        if (batch.fetched >= request.batchSize || limited || signal?.aborted) {
          yield seal(batch, cp);
          batch = emptyBatch();
          if (limited || signal?.aborted) return;
        }
      }
    } finally {
      lines.close();
      stream.destroy();
    }
  }
  if (batch.fetched > 0) {
    // Committed before the DELETE: a worker stopped after the cleanup resumes past every file.
    yield seal(batch, cp);
    batch = emptyBatch();
  }
  await cleanUp(http, job.statusUrl);
  cp.since = manifest.transactionTime;
  cp.export = null;
  yield seal(batch, cp);
}

/** One NDJSON line as a FHIR resource, or null when it is not one. */
function parseLine(line: string): FhirResource | null {
  try {
    const value = JSON.parse(line) as FhirResource;
    return value && typeof value === 'object' && typeof value.resourceType === 'string' ? value : null;
  } catch {
    return null;
  }
}
