import { randomUUID } from 'node:crypto';
import { MatchFeatures, PairScore, scoreCandidates, ScoredPair, THRESHOLDS } from './matching';

/** A patient record as the person linker sees it: its features and its current person link. */
export interface LinkSubject {
  features: MatchFeatures;
  integrationId: string;
  personId: string | null;
  method: 'auto' | 'manual' | 'migrated' | null;
  /** The root the exact-match linker (records.linked_patient_id) tied this record to, if any. */
  exactRootId: string | null;
}

/** What the linker writes: links to upsert, persons to create, candidate pairs to keep for review. */
export interface LinkPlan {
  newPersons: string[];
  /** `explanation` null: a person of its own. */
  links: Array<{ recordId: string; personId: string; score: number | null; explanation: object | null }>;
  review: Array<{ recordA: string; recordB: string; score: number; fields: PairScore['fields'] }>;
  /** Persons that may have lost their last record (deleted when empty). */
  vacated: string[];
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Decides the person of each record of one integration's batch (pure; person-linker.ts does the I/O):
 * - a `manual` link stays where a person put it;
 * - a record in a person with other records stays there (a later sync never moves a link);
 * - otherwise it joins the person of its exact-match root, or of the best-scoring candidate
 *   from another integration that auto-links (one record of this integration per person,
 *   pairs decided `non_match` never), or gets a person of its own;
 * - pairs in the review band that did not link are kept as open candidates.
 * `personSize` is the number of records in each person; `takenByIntegration` the persons that
 * already hold another record of this integration.
 */
export function planLinks(
  batch: LinkSubject[], candidates: LinkSubject[], nonMatch: Set<string>,
  personSize: Map<string, number>, takenByIntegration: Map<string, string>,
): LinkPlan {
  const plan: LinkPlan = { newPersons: [], links: [], review: [], vacated: [] };
  const byId = new Map([...candidates, ...batch].map((s) => [s.features.id, s]));
  const movable = (s: LinkSubject) => s.method !== 'manual' && (!s.personId || (personSize.get(s.personId) ?? 0) <= 1);
  const pairs = scoreCandidates(candidates.map((c) => c.features), batch.filter(movable).map((b) => b.features), THRESHOLDS.review)
    .filter((p) => !nonMatch.has(pairKey(p.left, p.right)))
    .sort((a, b) => b.score - a.score);
  const best = new Map<string, ScoredPair>();
  const taken = new Map(takenByIntegration);
  for (const p of pairs) {
    const personId = byId.get(p.left)?.personId;
    if (p.decision !== 'auto_link' || !personId || best.has(p.right)) continue;
    const holder = taken.get(personId);
    if (holder && holder !== p.right) continue;
    best.set(p.right, p);
    taken.set(personId, p.right);
  }
  for (const s of batch) {
    if (!movable(s)) continue;
    const id = s.features.id;
    const root = s.exactRootId ? byId.get(s.exactRootId) : undefined;
    const pick = best.get(id);
    let target: string | null = null;
    let score: number | null = null;
    let explanation: object = {};
    if (root?.personId && !nonMatch.has(pairKey(id, root.features.id))) {
      target = root.personId;
      explanation = { method: 'exact_link', matchedRecordId: root.features.id };
    } else if (pick) {
      target = byId.get(pick.left)!.personId;
      score = pick.score;
      explanation = { method: 'score', matchedRecordId: pick.left, score: pick.score, fields: pick.fields };
    }
    if (target && target !== s.personId) {
      if (s.personId) plan.vacated.push(s.personId);
      plan.links.push({ recordId: id, personId: target, score, explanation });
    } else if (!target && !s.personId) {
      const personId = randomUUID();
      plan.newPersons.push(personId);
      plan.links.push({ recordId: id, personId, score: null, explanation: null });
    }
  }
  // Pairs that scored in the review band, or would have auto-linked but did not (a guard, a person
  // already holding this integration's record), and that did not end up in one person: a human decides.
  const finalPerson = new Map(batch.map((s) => [s.features.id, s.personId]));
  for (const l of plan.links) finalPerson.set(l.recordId, l.personId);
  for (const p of pairs) {
    const leftPerson = byId.get(p.left)?.personId;
    if (leftPerson && leftPerson === finalPerson.get(p.right)) continue;
    const [recordA, recordB] = p.left < p.right ? [p.left, p.right] : [p.right, p.left];
    plan.review.push({ recordA, recordB, score: p.score, fields: p.fields });
  }
  return plan;
}
