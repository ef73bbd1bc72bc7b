import { collect, emptyBatch, seal } from '../common/read-batch';
import type { CanonicalRecord, Checkpoint, ReadBatch, ReadRequest } from '../provider-adapter';
import type { FhirClient } from './fhir-client';
import type { FhirResource } from './fhir-types';

/**
 * Where a `_lastUpdated` search stands, as stored in the checkpoint:
 * - `watermark`: instant the next pass reads from (minus the overlap); null = full pass;
 * - `next`: the next link to resume a pass at a page boundary (null = start a pass);
 * - `passStartedAt`: server time (`Date`) of the pass's first page; `maxSeen`: newest `meta.lastUpdated` so far;
 * - `prior`: `{ id: [versionId, lastUpdated] }` of rows inside the overlap window of the previous
 *   pass (re-sent by the server, skipped when the version is unchanged); `current`: the same for this pass.
 */
export interface SearchCheckpoint {
  v: 1;
  watermark: string | null;
  next: string | null;
  passStartedAt: string | null;
  maxSeen: string | null;
  prior: Record<string, [string, string]>;
  current: Record<string, [string, string]>;
}

/** One resource's search read. Times in ms. */
export interface SearchReadSpec {
  resourceType: string;
  pageSize: number;
  /** `_lastUpdated` supported: incremental passes after the first. */
  incremental: boolean;
  /** How far before the watermark a pass reaches back (late commits, clock skew: LinuxForHealth/FHIR#2030). */
  overlapMs: number;
  /** The watermark never passes the server's time minus this (rows committed late with earlier stamps). */
  safetyLagMs: number;
  map: (resource: FhirResource) => CanonicalRecord;
}

/** Reads a checkpoint this reader wrote (anything else starts a full pass). */
export function parseSearchCheckpoint(checkpoint: Checkpoint | null): SearchCheckpoint {
  const c = checkpoint as Partial<SearchCheckpoint> | null;
  if (c?.v !== 1) return { v: 1, watermark: null, next: null, passStartedAt: null, maxSeen: null, prior: {}, current: {} };
  return { v: 1, watermark: c.watermark ?? null, next: c.next ?? null, passStartedAt: c.passStartedAt ?? null, maxSeen: c.maxSeen ?? null, prior: { ...c.prior }, current: { ...c.current } };
}

const later = (a: string | null, b: string | null): string | null => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

/** The watermark a pass would end with now: min(max seen, pass start − safety lag). */
function candidate(cp: SearchCheckpoint, safetyLagMs: number): number | null {
  if (!cp.maxSeen || !cp.passStartedAt) return cp.watermark ? Date.parse(cp.watermark) : null;
  return Math.min(Date.parse(cp.maxSeen), Date.parse(cp.passStartedAt) - safetyLagMs);
}

/** Drops window entries older than candidate − overlap (the candidate only grows, so they can never be re-sent). */
function prune(window: Record<string, [string, string]>, floor: number | null): Record<string, [string, string]> {
  if (floor === null) return window;
  return Object.fromEntries(Object.entries(window).filter(([, [, at]]) => Date.parse(at) >= floor));
}

/**
 * Reads one resource type by paged search (search-pages.ts) into batches with a checkpoint
 * (issue 9 "Incrementals"): a pass asks `_lastUpdated=ge(watermark − overlap)` and, when it
 * ends, moves the watermark to min(newest `meta.lastUpdated` seen, server time at the pass's
 * start − safety lag), so a late-committed row with an older stamp is still read next time.
 * Rows the overlap re-sends are skipped when their `meta.versionId` is unchanged. Batches end
 * at page boundaries (a batch may exceed `batchSize` by less than a page): the checkpoint holds
 * the verbatim next link, so a crash resumes at the next page.
 * @throws ProviderException from the client.
 */
export async function* readSearch(client: FhirClient, spec: SearchReadSpec, request: ReadRequest, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const cp = parseSearchCheckpoint(request.checkpoint);
  let remaining = request.limit;
  let url = cp.next;
  if (!url) {
    const since = spec.incremental && cp.watermark ? new Date(Date.parse(cp.watermark) - spec.overlapMs).toISOString() : null;
    url = `${spec.resourceType}?_count=${spec.pageSize}${since ? `&_lastUpdated=ge${encodeURIComponent(since)}` : ''}`;
    cp.passStartedAt = null;
    cp.maxSeen = null;
    cp.current = {};
  }
  let batch = emptyBatch();
  const requestedAt = Date.now();
  for await (const page of client.search(url, { resourceType: spec.resourceType })) {
    cp.passStartedAt = cp.passStartedAt ?? new Date(page.serverTime ?? requestedAt).toISOString();
    for (const resource of page.resources) {
      const id = resource.id!;
      const version = resource.meta?.versionId ?? '';
      const at = resource.meta?.lastUpdated ?? null;
      if (at) cp.maxSeen = later(cp.maxSeen, at);
      const known = cp.prior[id] ?? cp.current[id];
      // Recorded before the skip: a row the overlap re-sends unchanged stays known to the next pass too.
      if (at) cp.current[id] = [version, at];
      if (version && known && known[0] === version) continue;
      const count = await collect(batch, id, () => spec.map(resource));
      if (remaining !== undefined) remaining -= count;
    }
    cp.next = page.next;
    if (!page.next) break;
    if (batch.fetched >= request.batchSize || (remaining !== undefined && remaining <= 0) || signal?.aborted) {
      const end = candidate(cp, spec.safetyLagMs);
      cp.current = prune(cp.current, end === null ? null : end - spec.overlapMs);
      yield seal(batch, cp);
      batch = emptyBatch();
      if ((remaining !== undefined && remaining <= 0) || signal?.aborted) return;
    }
  }
  // The pages ran out (no next link, or a next link back to a page already read): the pass is over.
  endPass(cp, spec);
  yield seal(batch, cp);
}

/** Moves the watermark to the pass's candidate and keeps the overlap window's versions for the next pass. */
function endPass(cp: SearchCheckpoint, spec: SearchReadSpec): void {
  const end = candidate(cp, spec.safetyLagMs);
  cp.watermark = spec.incremental && end !== null ? new Date(end).toISOString() : null;
  cp.prior = prune(cp.current, end === null ? null : end - spec.overlapMs);
  cp.current = {};
  cp.next = null;
  cp.passStartedAt = null;
  cp.maxSeen = null;
}
