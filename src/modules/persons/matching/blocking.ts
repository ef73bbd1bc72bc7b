import { comparePair, PairScore } from './compare';
import type { MatchFeatures } from './normalize';

/**
 * Blocking keys of a patient: only pairs that share at least one key are ever compared (never all
 * pairs). Each key catches the pairs another misses:
 * - `dob:<birthDate>` — the same birth date, whatever the names;
 * - `fam:<metaphone(family)>:<birth year>` — the same-sounding family name in the same year
 *   (a day/month swap or a day typo);
 * - `tel:<E.164>`, `em:<e-mail>` — a shared phone or e-mail (a birth-year typo, a family);
 * - `ssn:<last four>:<birth year>`;
 * - `nm:<formal first name>:<metaphone(family)>` — the name alone (a birth year typo without phone).
 */
export function blockingKeys(f: MatchFeatures): string[] {
  const keys = new Set<string>();
  const year = f.birthDate?.slice(0, 4) ?? null;
  if (f.birthDate) keys.add(`dob:${f.birthDate}`);
  // The primary Double Metaphone code only: the alternate one doubled the keys for little recall.
  const code = f.familyPhonetic[0];
  if (code) {
    if (year) keys.add(`fam:${code}:${year}`);
    for (const g of f.firstGroups) keys.add(`nm:${g}:${code}`);
  }
  for (const p of f.phones) keys.add(`tel:${p}`);
  for (const e of f.emails) keys.add(`em:${e}`);
  if (f.ssnLast4 && year) keys.add(`ssn:${f.ssnLast4}:${year}`);
  return [...keys];
}

/**
 * Records sharing a key with more than this many records of the other side are not compared on
 * that key: a front desk's placeholder phone or a common name would otherwise pair everyone.
 */
export const MAX_BLOCK_SIZE = 200;

/** A compared pair: `left` and `right` are the features' ids. */
export interface ScoredPair extends PairScore {
  left: string;
  right: string;
}

/**
 * Scores every pair of `left` × `right` that shares a blocking key (an oversized block is skipped,
 * see {@link MAX_BLOCK_SIZE}) and returns the pairs that scored at least `minScore` bits.
 * Pairs with the same id on both sides are skipped. Cost: O(pairs in blocks), memory O(left keys).
 */
export function scoreCandidates(left: readonly MatchFeatures[], right: readonly MatchFeatures[], minScore: number): ScoredPair[] {
  const index = new Map<string, MatchFeatures[]>();
  for (const l of left) {
    for (const k of blockingKeys(l)) {
      const list = index.get(k);
      if (list) list.push(l);
      else index.set(k, [l]);
    }
  }
  const out: ScoredPair[] = [];
  const seen = new Set<string>();
  for (const r of right) {
    seen.clear();
    for (const k of blockingKeys(r)) {
      const list = index.get(k);
      if (!list || list.length > MAX_BLOCK_SIZE) continue;
      for (const l of list) {
        if (l.id === r.id || seen.has(l.id)) continue;
        seen.add(l.id);
        const s = comparePair(l, r);
        if (s.score >= minScore) out.push({ left: l.id, right: r.id, ...s });
      }
    }
  }
  return out;
}

/**
 * One-to-one assignment of auto-links: pairs by descending score, each id used once on each side
 * (a source holds one record per person). Returns the accepted `auto_link` pairs.
 */
export function assignAutoLinks(pairs: readonly ScoredPair[]): ScoredPair[] {
  const takenLeft = new Set<string>();
  const takenRight = new Set<string>();
  const accepted: ScoredPair[] = [];
  for (const p of [...pairs].filter((x) => x.decision === 'auto_link').sort((a, b) => b.score - a.score)) {
    if (takenLeft.has(p.left) || takenRight.has(p.right)) continue;
    takenLeft.add(p.left);
    takenRight.add(p.right);
    accepted.push(p);
  }
  return accepted;
}
