import type { Patient } from '../../canonical';
import { ConflictRule, ruleFor } from '../conflicts/conflict-policy';
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

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sourceOf = (r: SourceRecord): PersonRecordSourceDto => ({ recordId: r.recordId, integrationId: r.integrationId, vendor: r.vendor });

/**
 * The golden record of one person: for each field of {@link GOLDEN_FIELDS}, the winning value
 * with its source, the reason it won and the other sources' disagreeing values (the caller
 * leaves out records deleted at their source):
 * - `source_priority`: the organization's conflict policy (docs/conflicts.md) has a
 *   `source_priority` rule for the patients field (or `*`), and the highest-listed integration
 *   with a value differs from another source;
 * - otherwise the most recently updated record (our `updated_at`, when its source's value
 *   reached us) that has a value: `only_source`, `sources_agree` or `most_recently_updated`.
 * Integrations a priority rule does not list rank after those it lists, by recency.
 */
export function goldenRecord(records: readonly SourceRecord[], rules: readonly ConflictRule[] = []): Record<string, GoldenFieldDto> {
  const byRecency = [...records].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.recordId.localeCompare(b.recordId));
  const out: Record<string, GoldenFieldDto> = {};
  for (const field of GOLDEN_FIELDS) {
    const rule = ruleFor([...rules], 'patients', field);
    const order = rule?.strategy === 'source_priority' ? rule.sourcePriority ?? [] : [];
    const rank = (r: SourceRecord) => (order.includes(r.integrationId) ? order.indexOf(r.integrationId) : order.length);
    const having = byRecency.filter((r) => !empty(r.data[field])).sort((a, b) => rank(a) - rank(b));
    if (!having.length) continue;
    const [winner, ...rest] = having;
    const value = winner.data[field];
    const alternatives = rest.filter((r) => !same(r.data[field], value)).map((r) => ({ value: r.data[field], source: sourceOf(r) }));
    const reason = having.length === 1 ? 'only_source' : !alternatives.length ? 'sources_agree'
      : rank(winner) < order.length ? 'source_priority' : 'most_recently_updated';
    out[field] = { value, source: sourceOf(winner), alternatives, reason };
  }
  return out;
}
