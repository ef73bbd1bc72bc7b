import { minusSeconds } from './office-time';

/**
 * Where one paged stream stands, as stored in the checkpoint.
 * - `since`: the `DateTStamp` this pass sends (null = everything): the previous pass's
 *   `serverDateTime` minus one second.
 * - `offset`: the server position after the last row consumed (the next `Offset`).
 * - `passServerDateTime`: `serverDateTime` of the pass's first page; becomes the next `since`.
 * - `recent`: keys of the last rows read, re-read on the next page to survive drift.
 */
export interface StreamPosition {
  since: string | null;
  offset: number;
  passServerDateTime: string | null;
  recent: string[];
}

/** The adapter's checkpoint: one position per stream (a resource may have one stream per clinic). */
export interface ApiCheckpoint {
  v: 1;
  streams: Record<string, StreamPosition>;
}

/** One row of a pass and the position just after it; `row: null` marks a pass that ended on an empty page. */
export interface PagedItem {
  row: Record<string, unknown> | null;
  position: StreamPosition;
}

export const FRESH_POSITION: StreamPosition = { since: null, offset: 0, passServerDateTime: null, recent: [] };

/**
 * Seconds the next pass reaches back before `serverDateTime`. DateTStamp has one-second
 * resolution and "altered after" may be strict, so a row stamped in the same second as
 * `serverDateTime`, after the query ran, is read again instead of lost (rereads are idempotent).
 */
const OVERLAP_SECONDS = 1;

/** The position after a completed pass: the next pass starts from its `serverDateTime` (incremental streams only). */
export function completed(position: StreamPosition, incremental: boolean): StreamPosition {
  const since = incremental && position.passServerDateTime ? minusSeconds(position.passServerDateTime, OVERLAP_SECONDS) : incremental ? position.since : null;
  return { since, offset: 0, passServerDateTime: null, recent: [] };
}

/**
 * Pages one list endpoint with Limit/Offset (§1.3) from `start`, stopping on a short page.
 *
 * Page drift: OpenDental's lists have no cursor, and rows removed before the current offset
 * (appointments are hard-deleted) would shift unread rows behind it. Each page therefore starts
 * `pageSize / 20` rows early (5 of 100) and drops the rows whose key was just read, so a shift
 * of up to that many rows loses nothing (it costs about 5% more requests).
 *
 * @param fetchPage reads `limit` rows at `offset`.
 * @param key the field that identifies a row (PatNum, AptNum…).
 * @param incremental a completed pass moves `since` to its serverDateTime.
 */
export async function* pageRows(
  fetchPage: (offset: number, limit: number) => Promise<Array<Record<string, unknown>>>,
  start: StreamPosition,
  pageSize: number,
  key: string,
  incremental: boolean,
): AsyncGenerator<PagedItem> {
  const overlap = Math.floor(pageSize / 20);
  let position: StreamPosition = { ...start, recent: [...start.recent] };
  for (;;) {
    const back = position.offset > 0 ? Math.min(overlap, position.recent.length) : 0;
    const requestOffset = position.offset - back;
    const page = await fetchPage(requestOffset, pageSize);
    if (!Array.isArray(page)) throw new TypeError('OpenDental list endpoint did not answer an array');
    if (position.passServerDateTime === null && page.length > 0 && typeof page[0].serverDateTime === 'string') {
      position = { ...position, passServerDateTime: page[0].serverDateTime };
    }
    const short = page.length < pageSize;
    const seen = new Set(position.recent);
    let endedOnRow = false;
    for (let i = 0; i < page.length; i++) {
      const id = String(page[i][key]);
      const recent = [...position.recent.filter((r) => r !== id), id].slice(-Math.max(overlap, 1));
      position = { ...position, offset: requestOffset + i + 1, recent };
      if (seen.has(id)) continue;
      const last = short && i === page.length - 1;
      if (last) position = completed(position, incremental);
      endedOnRow = last;
      yield { row: page[i], position };
    }
    if (short) {
      if (!endedOnRow) yield { row: null, position: completed(position, incremental) };
      return;
    }
  }
}
