import { FhirException } from '../fhir.exception';
import { isUuid } from './values';

/**
 * The keyset a search pages on: `records.id` alone, or a driving index key then `id` (see
 * `SearchOrder`). The cursor is opaque to clients: base64url JSON `[tag, key?, id]`, where
 * `tag` names the order it was made for, so a cursor is refused on a search ordered otherwise.
 */
export interface CursorPosition {
  tag: string;
  key: string | null;
  id: string;
}

/** Encodes the position after the last row of a page. */
export function encodeSearchCursor(p: CursorPosition): string {
  return Buffer.from(JSON.stringify(p.key === null ? [p.tag, p.id] : [p.tag, p.key, p.id])).toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeSearchCursor} for the order `tag` (keyed or not).
 * @throws FhirException 400 naming `_cursor` when it is malformed, tampered or made for another order.
 */
export function decodeSearchCursor(cursor: string, tag: string, keyed: boolean): CursorPosition {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v[0] === tag) {
      if (!keyed && v.length === 2 && typeof v[1] === 'string' && isUuid(v[1])) return { tag, key: null, id: v[1] };
      if (keyed && v.length === 3 && typeof v[1] === 'string' && v[1].length <= 300 && typeof v[2] === 'string' && isUuid(v[2])) return { tag, key: v[1], id: v[2] };
    }
  } catch {
    // fall through to the 400
  }
  throw FhirException.invalidParameter('_cursor', 'is not a cursor of this search (take the next link as it is)');
}
