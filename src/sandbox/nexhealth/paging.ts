import { NexApiError, NexEnvelope } from './envelope';
import { optInt, param, Query } from './params';

/** Default and largest `per_page` of cursor paging (§3: the OpenAPI says default 5; max 1000). */
export const DEFAULT_PER_PAGE = 5;
export const MAX_PER_PAGE = 1000;

type SortValue = string | number;

/** Sort orders a list accepts, by `sort` value (`id`, `-id`, `updated_at`, `-updated_at`). */
export type SortSpec<T> = Record<string, { key: (row: T) => SortValue; desc: boolean }>;

function encode(value: [SortValue, number]): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(cursor: string): [SortValue, number] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'number') return value as [SortValue, number];
  } catch {
    // fall through
  }
  throw NexApiError.badRequest('Invalid cursor');
}

/**
 * Cursor paging of v3 lists (§3 [NEX-PAG]): `per_page` (default 5, 1–1000), `end_cursor`
 * (rows after it) or `start_cursor` (the page before it). Rows are ordered by the sort key,
 * then id; a cursor holds the (key, id) of a row, so rows changing elsewhere never shift a page.
 * @returns `data` and `page_info` for the envelope. @throws NexApiError 400 (bad per_page, cursor or sort).
 */
export function cursorPage<T extends { id: number }>(rows: Iterable<T>, q: Query, sorts?: SortSpec<T>, defaultSort = 'id'): Pick<NexEnvelope<T[]>, 'data' | 'page_info'> {
  const perPage = optInt(q, 'per_page') ?? DEFAULT_PER_PAGE;
  if (perPage < 1 || perPage > MAX_PER_PAGE) throw NexApiError.badRequest(`per_page must be between 1 and ${MAX_PER_PAGE}`);
  const sortName = param(q, 'sort') ?? defaultSort;
  const spec = (sorts ?? { id: { key: (r: T) => r.id, desc: false } })[sortName] ?? (sortName === 'id' ? { key: (r: T) => r.id, desc: false } : undefined);
  if (!spec) throw NexApiError.badRequest('sort is invalid');
  const tuple = (r: T): [SortValue, number] => [spec.key(r), r.id];
  const compare = (a: [SortValue, number], b: [SortValue, number]): number => {
    const primary = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
    return (spec.desc ? -primary : primary) || a[1] - b[1];
  };
  const sorted = [...rows].sort((a, b) => compare(tuple(a), tuple(b)));
  const after = param(q, 'end_cursor');
  const before = param(q, 'start_cursor');
  let start = 0;
  let end = Math.min(sorted.length, perPage);
  if (after !== undefined) {
    const c = decode(after);
    start = sorted.findIndex((r) => compare(tuple(r), c) > 0);
    if (start < 0) start = sorted.length;
    end = Math.min(sorted.length, start + perPage);
  } else if (before !== undefined) {
    const c = decode(before);
    let stop = sorted.findIndex((r) => compare(tuple(r), c) >= 0);
    if (stop < 0) stop = sorted.length;
    end = stop;
    start = Math.max(0, stop - perPage);
  }
  const data = sorted.slice(start, end);
  return {
    data,
    page_info: {
      has_previous_page: start > 0, has_next_page: end < sorted.length,
      start_cursor: data.length ? encode(tuple(data[0])) : null, end_cursor: data.length ? encode(tuple(data[data.length - 1])) : null,
    },
  };
}

/** `updated_since` (inclusive, §3): keeps rows whose `updated_at` is at or after it. */
export function updatedSince<T extends { updated_at: string }>(rows: T[], since: number | undefined): T[] {
  return since === undefined ? rows : rows.filter((r) => Date.parse(r.updated_at) >= since);
}
