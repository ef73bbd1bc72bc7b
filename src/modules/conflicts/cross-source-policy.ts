import { ConflictRule, ConflictStrategy, DEFAULT_STRATEGY, LOCAL_SOURCE } from './conflict-policy';

/** One source of a cross-source conflict as stored in `conflicts.sources`. */
export interface ConflictSource {
  recordId: string;
  integrationId: string;
  value: unknown;
  /** ISO 8601: the source's change stamp when it carries a zone, else when its value reached us. */
  at: string;
}

/** What to do with a cross-source conflict: pick a source, ignore it, or leave it for a person. */
export type CrossSourceDecision =
  | { strategy: ConflictStrategy; resolution: 'use_remote'; integrationId: string }
  | { strategy: ConflictStrategy; resolution: 'ignore' }
  | { strategy: ConflictStrategy; resolution: null; why: string };

/**
 * Applies a policy strategy to a cross-source conflict (pure; docs/conflicts.md):
 * - `source_priority`: the first integration of `sourcePriority` among the conflict's sources
 *   wins (`local` is skipped: a cross-source conflict has no local side); none listed → open;
 * - `last_write_wins`: the source whose value is latest (`at`; a tie goes to the first stored);
 * - `ignore`: closed as ignored; `manual` (and no rule): open for a person;
 * - `field_merge`: merges a local edit with its source, not two sources: open for a person.
 */
export function decideCrossSource(sources: readonly ConflictSource[], rule: ConflictRule | null): CrossSourceDecision {
  const strategy = rule?.strategy ?? DEFAULT_STRATEGY;
  switch (strategy) {
    case 'ignore':
      return { strategy, resolution: 'ignore' };
    case 'source_priority': {
      const present = new Set(sources.map((s) => s.integrationId));
      const winner = (rule?.sourcePriority ?? []).find((id) => id !== LOCAL_SOURCE && present.has(id));
      return winner ? { strategy, resolution: 'use_remote', integrationId: winner } : { strategy, resolution: null, why: 'no source of the conflict is in sourcePriority' };
    }
    case 'last_write_wins': {
      const latest = [...sources].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
      return latest ? { strategy, resolution: 'use_remote', integrationId: latest.integrationId } : { strategy, resolution: null, why: 'no source has a value' };
    }
    case 'field_merge':
      return { strategy, resolution: null, why: 'field_merge merges a local edit with its source, not two sources: a person decides' };
    default:
      return { strategy: 'manual', resolution: null, why: 'the policy asks for review' };
  }
}
