import { collect, emptyBatch, RowMapper, seal } from '../common/read-batch';
import { Checkpoint, ReadBatch, ReadRequest } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { NexHealthClient, QueryParams } from './http-client';

/**
 * Where one cursor stream stands, as stored in the checkpoint.
 * - `since`: the `updated_since` this pass sends (null = everything);
 * - `cursor`: NexHealth's `end_cursor` after the last page consumed (null = the pass has not started);
 * - `passStartedAt`: server time (`Date` header) of the pass's first answer: the next `since`;
 * - `params`: query values fixed for the whole pass (the appointment window), so a resumed cursor stays valid;
 * - `skipThrough`: id of the last row consumed from the page at `cursor` (lists go by id): a resume
 *   reads that page again and skips rows up to it, so a batch may end inside a page.
 */
export interface StreamPosition {
  since: string | null;
  cursor: string | null;
  passStartedAt: string | null;
  params: Record<string, string> | null;
  skipThrough?: number | null;
}

/** The adapter's checkpoint: `{ v: 1, streams: { <name>: StreamPosition } }`. */
export interface NexCheckpoint {
  v: 1;
  streams: Record<string, StreamPosition>;
}

/** One paged list read as a stream of the checkpoint. */
export interface CursorStream {
  name: string;
  path: string;
  query: QueryParams;
  /** Sends `updated_since` = the stream's `since`. */
  incremental: boolean;
  /** `updated_since` of a full pass, for endpoints that require a filter (guarantor_balances). */
  fullPassSince?: string;
  /** Query values computed once per pass (kept in the checkpoint). */
  passParams?: () => Record<string, string>;
}

const FRESH: StreamPosition = { since: null, cursor: null, passStartedAt: null, params: null, skipThrough: null };

/** Reads the checkpoint the engine saved (anything else starts afresh). */
export function parseCheckpoint(checkpoint: Checkpoint | null): NexCheckpoint {
  const c = checkpoint as Partial<NexCheckpoint> | null;
  return c?.v === 1 && c.streams && typeof c.streams === 'object' ? { v: 1, streams: { ...c.streams } } : { v: 1, streams: {} };
}

/**
 * Reads cursor streams one after the other (§3 Paging: `per_page`, `end_cursor`, `page_info`).
 * Batches hold up to `request.batchSize` rows. A batch that ends at a page boundary carries
 * the cursor after that page; one that ends inside a page carries the cursor of that page and
 * the last id consumed (cursors exist only per page), so a resume re-reads the page and skips
 * what was already taken: no gaps, and progress even when every run stops mid-page.
 *
 * Incremental streams: a completed pass sets `since` = its first answer's server time (`Date`
 * header; our clock if absent) minus `overlapMs`. `updated_since` is inclusive and any change
 * after the pass began has a later `updated_at`, so nothing is missed; rows changed during the
 * pass may be read twice. The max `updated_at` seen is NOT used: pages go by id, so a row
 * changed on an early page after it was read would be lost behind a later row's stamp.
 */
export async function* readCursorStreams(
  client: NexHealthClient, streams: CursorStream[], request: ReadRequest, pageSize: number, map: RowMapper, overlapMs: number, signal?: AbortSignal,
): AsyncGenerator<ReadBatch> {
  const checkpoint = parseCheckpoint(request.checkpoint);
  let remaining = request.limit;
  for (const stream of streams) {
    if (remaining !== undefined && remaining <= 0) return;
    let position: StreamPosition = { ...FRESH, ...checkpoint.streams[stream.name] };
    // Fixed for the whole pass (a resumed cursor is only valid with the query that issued it).
    const params = position.params ?? stream.passParams?.() ?? null;
    const since = stream.incremental && position.since ? position.since : stream.fullPassSince;
    const query = { ...stream.query, ...params, ...(since ? { updated_since: since } : {}), per_page: pageSize };
    let batch = emptyBatch();
    for await (const page of walkPages(client, stream.path, query, position.cursor)) {
      const rows = page.rows;
      const passStartedAt = position.passStartedAt ?? new Date(page.answeredAt).toISOString();
      const after: StreamPosition = page.next !== null
        ? { since: position.since, cursor: page.next, passStartedAt, params, skipThrough: null }
        : { since: stream.incremental ? new Date(Date.parse(passStartedAt) - overlapMs).toISOString() : null, cursor: null, passStartedAt: null, params: null, skipThrough: null };
      const skipThrough = position.skipThrough ?? null;
      let stopped = false;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (skipThrough !== null && Number(row.id) <= skipThrough) continue;
        const count = await collect(batch, String(row.id), () => map(row));
        if (remaining !== undefined) remaining -= count;
        const last = i === rows.length - 1;
        const full = batch.fetched >= request.batchSize || (remaining !== undefined && remaining <= 0);
        if (full) {
          checkpoint.streams[stream.name] = last ? after : { since: position.since, cursor: position.cursor, passStartedAt, params, skipThrough: Number(row.id) };
          yield seal(batch, checkpoint);
          batch = emptyBatch();
        }
        if ((remaining !== undefined && remaining <= 0) || signal?.aborted) {
          stopped = true;
          break;
        }
      }
      if (stopped) return;
      position = after;
      checkpoint.streams[stream.name] = after;
    }
    // The pass's last batch, or an empty one that moves `since` when the pass ended on a page boundary.
    yield seal(batch, checkpoint);
    if (signal?.aborted) return;
  }
}

/** One page of a NexHealth list (§3 Paging). */
export interface ListPage {
  rows: Array<Record<string, unknown>>;
  /** `end_cursor` of the next page; null on the last page (no `has_next_page`, no cursor, or an empty page). */
  next: string | null;
  /** The server's time of the answer (`Date` header, epoch ms), or our clock just before the request when absent. */
  answeredAt: number;
}

/**
 * GETs one page of a list and checks that `data` is one.
 * @throws ProviderException VENDOR_ERROR (permanent) when it is not (the message masks ids in the path); the client's errors.
 */
export async function fetchPage(client: NexHealthClient, path: string, query: QueryParams): Promise<ListPage> {
  const requestedAt = Date.now();
  const page = await client.get<Array<Record<string, unknown>>>(path, query);
  const rows = page.body.data;
  if (!Array.isArray(rows)) throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `NexHealth GET ${path.replace(/\d+/g, '{id}')} did not answer a list`, { temporary: false });
  const info = page.body.page_info ?? {};
  const next = info.has_next_page === true && info.end_cursor && rows.length > 0 ? info.end_cursor : null;
  return { rows, next, answeredAt: page.serverTime ?? requestedAt };
}

/**
 * The pages of a cursor list from `cursor` (null = the first page) to the last, one request per
 * page: `query` then `end_cursor` of the page before ([NEX-PAG] `per_page`, `end_cursor`, `page_info`).
 * @throws as {@link fetchPage}.
 */
export async function* walkPages(client: NexHealthClient, path: string, query: QueryParams, cursor: string | null = null): AsyncGenerator<ListPage> {
  for (;;) {
    const page = await fetchPage(client, path, { ...query, ...(cursor ? { end_cursor: cursor } : {}) });
    yield page;
    if (page.next === null) return;
    cursor = page.next;
  }
}

/** Every row of a list (small per-patient lists, GET /patients/{id}/documents is not paged). */
export async function fetchList(client: NexHealthClient, path: string, query: QueryParams): Promise<Array<Record<string, unknown>>> {
  return (await fetchPage(client, path, query)).rows;
}
