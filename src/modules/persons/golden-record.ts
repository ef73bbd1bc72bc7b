import type { Patient } from '../../canonical';
import { ConflictRule, ruleFor } from '../conflicts/conflict-policy';
import { comparable, CROSS_SOURCE_FIELDS, CrossSourceField, disagree } from '../conflicts/cross-source-compare';
import type { GoldenFieldDto, PersonRecordSourceDto } from './dtos/person.dto';

/** A linked patient record as the golden record reads it. */
export interface SourceRecord extends PersonRecordSourceDto {
  data: Patient;
  updatedAt: Date;
}

/** Canonical patient fields the golden record shows (src/canonical/patient.ts). */
export const GOLDEN_FIELDS = [
  'names', 'displayName', 'preferredName', 'birthDate', 'gender', 'telecom', 'addresses', 'ssnLast4',
  'maritalStatus', 'language', 'deceased', 'deceasedDateTime',
] as const satisfies ReadonlyArray<keyof Patient>;

/** A resolved cross-source conflict's choice of a field's source (conflicts.winning_integration_id). */
export interface SourceChoice {
  conflictId: string;
  integrationId: string;
  /** The strategy that chose: a policy's (`source_priority`, `last_write_wins`) or `manual` (a person). */
  strategy: string;
}

const CHOICE_REASON: Record<string, string> = { source_priority: 'source_priority', last_write_wins: 'most_recently_updated' };

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const compared = new Set<string>(CROSS_SOURCE_FIELDS);
/** Two sources' values agree: compared fields after normalisation (one phone in two spellings), others as stored. */
const same = (field: string, a: Patient, b: Patient) => (compared.has(field)
  ? !disagree(comparable(field as CrossSourceField, a), comparable(field as CrossSourceField, b))
  : JSON.stringify(a[field as keyof Patient]) === JSON.stringify(b[field as keyof Patient]));
const sourceOf = (r: SourceRecord): PersonRecordSourceDto => ({ recordId: r.recordId, integrationId: r.integrationId, vendor: r.vendor });

/**
 * The golden record of one person: for each field of {@link GOLDEN_FIELDS}, the winning value
 * with its source, the reason it won and the other sources' disagreeing values (normalised as
 * cross-source conflicts compare them, cross-source-compare.ts; the caller
 * leaves out records deleted at their source):
 * - `source_priority`: the organization's conflict policy (docs/conflicts.md) has a
 *   `source_priority` rule for the patients field (or `*`), and the highest-listed integration
 *   with a value differs from another source;
 * - otherwise the most recently updated record (our `updated_at`, when its source's value
 *   reached us) that has a value: `only_source`, `sources_agree` or `most_recently_updated`.
 * Integrations a priority rule does not list rank after those it lists, by recency.
 * A field whose latest cross-source conflict was resolved for a source (`choices`, docs/conflicts.md)
 * shows that source's value while it has one, with the conflict's id and the reason of the strategy
 * that chose it (`source_priority`, `most_recently_updated`, or `conflict_resolution` for a person).
 */
export function goldenRecord(
  records: readonly SourceRecord[], rules: readonly ConflictRule[] = [], choices: ReadonlyMap<string, SourceChoice> = new Map(),
): Record<string, GoldenFieldDto> {
  const byRecency = [...records].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.recordId.localeCompare(b.recordId));
  const out: Record<string, GoldenFieldDto> = {};
  for (const field of GOLDEN_FIELDS) {
    const rule = ruleFor([...rules], 'patients', field);
    const order = rule?.strategy === 'source_priority' ? rule.sourcePriority ?? [] : [];
    const rank = (r: SourceRecord) => (order.includes(r.integrationId) ? order.indexOf(r.integrationId) : order.length);
    const choice = choices.get(field);
    const chosen = (r: SourceRecord) => (choice && r.integrationId === choice.integrationId ? 0 : 1);
    const having = byRecency.filter((r) => !empty(r.data[field])).sort((a, b) => chosen(a) - chosen(b) || rank(a) - rank(b));
    if (!having.length) continue;
    const [winner, ...rest] = having;
    const value = winner.data[field];
    const alternatives = rest.filter((r) => !same(field, r.data, winner.data)).map((r) => ({ value: r.data[field], source: sourceOf(r) }));
    const byChoice = !!alternatives.length && chosen(winner) === 0;
    const reason = having.length === 1 ? 'only_source' : !alternatives.length ? 'sources_agree'
      : byChoice ? CHOICE_REASON[choice!.strategy] ?? 'conflict_resolution'
      : rank(winner) < order.length ? 'source_priority' : 'most_recently_updated';
    out[field] = { value, source: sourceOf(winner), alternatives, reason, conflictId: byChoice ? choice!.conflictId : null };
  }
  return out;
}
