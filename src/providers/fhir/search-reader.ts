import { collect, emptyBatch, seal } from '../common/read-batch';
import type { CanonicalRecord, Checkpoint, ReadBatch, ReadRequest } from '../provider-adapter';
import type { FhirClient } from './fhir-client';
import type { FhirResource } from './fhir-types';
import { finishFullPass, noteSeen, ReconcileState, reconcileStateOf } from './reconcile';

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
  /** Ids for tombstoning by reconciliation (reconcile.ts). */
  reconcile: ReconcileState;
  /** The rolling window of the current pass (`[from, to)` instants), null without one. */
  window: [string, string] | null;
  /** The pass's first page (where an expired cursor restarts it). */
  first?: string | null;
}

/** One resource's search read. Times in ms. */
export interface SearchReadSpec {
  resourceType: string;
  pageSize: number;
  /** The page size parameter (`_count`, NextGen `_maxresults`); null: the server picks. */
  countParam: string | null;
  /** Parameters every first page carries (tenancy such as `ah-practice`, scope ids), in order. */
  params: Array<[string, string]>;
  /** A rolling date window searched by `date` (days around now), placing each resource by `start`. */
  window?: { pastDays: number; futureDays: number };
  /** Errors of an expired cursor, after which the pass restarts at its first page (search-pages.ts). */
  restartOn?: (error: unknown) => boolean;
  /** Rewrite next links to this origin (search-pages.ts). */
  rewriteOrigin?: string;
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
  if (c?.v !== 1) return { v: 1, watermark: null, next: null, passStartedAt: null, maxSeen: null, prior: {}, current: {}, reconcile: reconcileStateOf(null), window: null };
  return {
    v: 1, watermark: c.watermark ?? null, next: c.next ?? null, passStartedAt: c.passStartedAt ?? null, maxSeen: c.maxSeen ?? null,
    prior: { ...c.prior }, current: { ...c.current }, reconcile: reconcileStateOf(c), window: c.window ?? null, first: c.first ?? null,
  };
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
  // A full job starts over without a checkpoint: what the last pass knew comes from the prior one.
  if (!request.checkpoint && request.priorCheckpoint) cp.reconcile = reconcileStateOf(request.priorCheckpoint);
  let remaining = request.limit;
  let url = cp.next;
  if (!url) {
    const since = spec.incremental && cp.watermark ? new Date(Date.parse(cp.watermark) - spec.overlapMs).toISOString() : null;
    const query: Array<[string, string]> = [...spec.params];
    if (spec.countParam) query.push([spec.countParam, String(spec.pageSize)]);
    if (since) query.push(['_lastUpdated', `ge${since}`]);
    cp.window = spec.window ? windowOf(spec.window) : null;
    if (cp.window) query.push(['date', `ge${cp.window[0]}`], ['date', `lt${cp.window[1]}`]);
    url = `${spec.resourceType}${query.length ? `?${new URLSearchParams(query).toString()}` : ''}`;
    cp.first = url;
    cp.passStartedAt = null;
    cp.maxSeen = null;
    cp.current = {};
    cp.reconcile.seen = since ? null : {};
  }
  const place = (r: FhirResource): string => (spec.window && typeof r.start === 'string' ? r.start : '');
  let batch = emptyBatch();
  const requestedAt = Date.now();
  for await (const page of client.search(url, { resourceType: spec.resourceType, restartOn: spec.restartOn, restartUrl: cp.first ?? undefined, rewriteOrigin: spec.rewriteOrigin })) {
    cp.passStartedAt = cp.passStartedAt ?? new Date(page.serverTime ?? requestedAt).toISOString();
    noteSeen(cp.reconcile, page.resources, place);
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
  if (cp.reconcile.seen) {
    const window = cp.window;
    await finishFullPass(client, spec.resourceType, cp.reconcile, batch, spec.map, window ? (at) => inWindow(at, window) : undefined);
  }
  endPass(cp, spec);
  yield seal(batch, cp);
}

/** Whether an instant lies in `[from, to)`; an unplaced or unparsable one counts as inside (it is checked by id). */
function inWindow(at: string, window: [string, string]): boolean {
  const t = Date.parse(at);
  return !at || Number.isNaN(t) || (t >= Date.parse(window[0]) && t < Date.parse(window[1]));
}

/** `[now − pastDays, now + futureDays)` as UTC instants, to the minute. */
function windowOf(window: { pastDays: number; futureDays: number }): [string, string] {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return [new Date(now - window.pastDays * 86_400_000).toISOString(), new Date(now + window.futureDays * 86_400_000).toISOString()];
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
