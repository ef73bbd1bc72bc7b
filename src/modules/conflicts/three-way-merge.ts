import { isDeepStrictEqual } from 'node:util';

/** The outcome of a three-way merge: the merged value, or the paths where both sides changed the same part. */
export type MergeResult = { ok: true; value: unknown } | { ok: false; overlaps: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Three-way merge of one field's JSON value (the `field_merge` strategy, docs/conflicts.md):
 * a part changed on one side only takes that side's value; a part both sides changed to the
 * same value is taken; a part both changed differently is an overlap. Objects merge key by key;
 * lists merge item by item when base, local and remote have the same length (a list whose
 * length changed on one side only takes that side; on both sides, it is an overlap). Pure.
 * @returns the merged value, or the JSON paths of the overlaps (`[0].value`, `city`).
 */
export function threeWayMerge(base: unknown, local: unknown, remote: unknown, path = ''): MergeResult {
  if (isDeepStrictEqual(local, remote) || isDeepStrictEqual(remote, base)) return { ok: true, value: local };
  if (isDeepStrictEqual(local, base)) return { ok: true, value: remote };
  if (isObject(base) && isObject(local) && isObject(remote)) {
    const out: Record<string, unknown> = {};
    const overlaps: string[] = [];
    for (const key of new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(remote)])) {
      const part = threeWayMerge(base[key], local[key], remote[key], path ? `${path}.${key}` : key);
      if (part.ok) {
        if (part.value !== undefined) out[key] = part.value;
      } else overlaps.push(...part.overlaps);
    }
    return overlaps.length ? { ok: false, overlaps } : { ok: true, value: out };
  }
  if (Array.isArray(base) && Array.isArray(local) && Array.isArray(remote) && base.length === local.length && base.length === remote.length) {
    const parts = base.map((b, i) => threeWayMerge(b, local[i], remote[i], `${path}[${i}]`));
    const overlaps = parts.flatMap((p) => (p.ok ? [] : p.overlaps));
    return overlaps.length ? { ok: false, overlaps } : { ok: true, value: parts.map((p) => (p as { value: unknown }).value) };
  }
  return { ok: false, overlaps: [path || '$'] };
}
