import { CommonException } from './domain-exception';

/** A page of a list endpoint: `nextCursor` is opaque and null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Encodes keyset values as an opaque cursor (base64url JSON). */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The kind of each keyset value in a cursor, checked before it reaches SQL. */
export type CursorKind = 'uuid' | 'timestamp' | 'int';

const KIND_CHECK: Record<CursorKind, (v: unknown) => boolean> = {
  uuid: (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  timestamp: (v) => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v)),
  int: (v) => (typeof v === 'string' || typeof v === 'number') && /^\d{1,18}$/.test(String(v)),
};

/**
 * Decodes a cursor made by {@link encodeCursor} whose values must be of `kinds`, in order.
 * @throws CommonException 400 naming `cursor` when it is malformed or a value has the wrong kind
 * (a tampered cursor must never reach SQL).
 */
export function decodeCursor(cursor: string | undefined, kinds: CursorKind[]): unknown[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === kinds.length && values.every((v, i) => KIND_CHECK[kinds[i]](v))) return values;
  } catch {
    // fall through to the 400 below
  }
  throw CommonException.validation('cursor is not valid', [{ field: 'cursor', errors: ['cursor is not valid'] }]);
}

/** Splits `limit + 1` fetched rows into a page, computing the next cursor from the last row kept. */
export function toPage<Row, T>(rows: Row[], limit: number, key: (row: Row) => unknown[], map: (row: Row) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { data: kept.map(map), nextCursor: more ? encodeCursor(key(kept[kept.length - 1])) : null };
}
