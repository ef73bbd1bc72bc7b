import { isDeepStrictEqual } from 'node:util';
import type { ResourceType } from '../../canonical';
import { threeWayMerge } from './three-way-merge';

/** Strategies a policy rule may name (docs/conflicts.md). */
export const CONFLICT_STRATEGIES = ['last_write_wins', 'source_priority', 'field_merge', 'manual', 'ignore'] as const;
export type ConflictStrategy = (typeof CONFLICT_STRATEGIES)[number];

/** Resolutions, applied by the API (`POST …/resolve`) or by an automatic strategy. */
export const CONFLICT_RESOLUTIONS = ['use_local', 'use_remote', 'merge', 'manual', 'ignore'] as const;
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

/** The token of `sourcePriority` that stands for the hub's local edits. */
export const LOCAL_SOURCE = 'local';

/** One rule of an organization's conflict policy. `field` is a top-level canonical field or `*`. */
export interface ConflictRule {
  resourceType: ResourceType;
  field: string;
  strategy: ConflictStrategy;
  /** Integration ids (and `local`), highest priority first; `source_priority` only. */
  sourcePriority?: string[];
}

/** What a strategy needs of a conflict. */
export interface ConflictFacts {
  resourceType: string;
  field: string;
  integrationId: string;
  base: unknown;
  local: unknown;
  remote: unknown;
  localAt: Date | null;
  remoteAt: Date | null;
}

/** What to do with a conflict: apply a resolution (with the merged value for `merge`), or leave it open for review. */
export type Decision =
  | { strategy: ConflictStrategy; resolution: 'use_local' | 'use_remote' | 'ignore' }
  | { strategy: ConflictStrategy; resolution: 'merge'; value: unknown }
  | { strategy: ConflictStrategy; resolution: null; why: string };

/** Used when no rule matches a conflict: a person decides. */
export const DEFAULT_STRATEGY: ConflictStrategy = 'manual';

/**
 * The rule for a resource's field: a rule naming the field beats a `*` rule of the resource;
 * among equally specific rules the first listed wins. Null when none matches.
 */
export function ruleFor(rules: ConflictRule[], resourceType: string, field: string): ConflictRule | null {
  const own = rules.filter((r) => r.resourceType === resourceType);
  return own.find((r) => r.field === field) ?? own.find((r) => r.field === '*') ?? null;
}

/**
 * Applies a strategy to a three-way conflict (pure):
 * - `manual`: left open;
 * - `ignore`: closed as ignored, the local value stays;
 * - `last_write_wins`: the later of the local edit and the source change (a tie keeps local);
 * - `source_priority`: the conflict's integration wins when listed before `local` (or when
 *   `local` is not listed); otherwise local wins; an unlisted integration leaves it open;
 * - `field_merge`: a three-way merge of the field's value ({@link threeWayMerge}); true
 *   overlaps are left open.
 */
export function decide(conflict: ConflictFacts, rule: ConflictRule | null): Decision {
  const strategy = rule?.strategy ?? DEFAULT_STRATEGY;
  switch (strategy) {
    case 'ignore':
      return { strategy, resolution: 'ignore' };
    case 'last_write_wins': {
      const local = conflict.localAt?.getTime() ?? 0;
      const remote = conflict.remoteAt?.getTime() ?? 0;
      return { strategy, resolution: remote > local ? 'use_remote' : 'use_local' };
    }
    case 'source_priority': {
      const order = rule?.sourcePriority ?? [];
      const source = order.indexOf(conflict.integrationId);
      if (source < 0) return { strategy, resolution: null, why: 'the integration is not in sourcePriority' };
      const local = order.indexOf(LOCAL_SOURCE);
      return { strategy, resolution: local < 0 || source < local ? 'use_remote' : 'use_local' };
    }
    case 'field_merge': {
      const merged = threeWayMerge(conflict.base, conflict.local, conflict.remote);
      if (!merged.ok) return { strategy, resolution: null, why: `both changed ${merged.overlaps.join(', ')}` };
      return isDeepStrictEqual(merged.value, conflict.remote) ? { strategy, resolution: 'use_remote' } : { strategy, resolution: 'merge', value: merged.value };
    }
    default:
      return { strategy: 'manual', resolution: null, why: 'the policy asks for review' };
  }
}
