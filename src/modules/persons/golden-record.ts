import type { Patient } from '../../canonical';
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
 * The golden record of one person: for each field of {@link GOLDEN_FIELDS}, the value of the most
 * recently updated record (our `updated_at`, the time its source's value reached us) that has
 * one, with the reason it won (`only_source`, `sources_agree`, `most_recently_updated`) and the
 * other sources' disagreeing values. No source-priority policy exists in this build; when the
 * conflict-policy API lands, its `source_priority` order goes before recency here.
 */
export function goldenRecord(records: readonly SourceRecord[]): Record<string, GoldenFieldDto> {
  const ordered = [...records].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.recordId.localeCompare(b.recordId));
  const out: Record<string, GoldenFieldDto> = {};
  for (const field of GOLDEN_FIELDS) {
    const having = ordered.filter((r) => !empty(r.data[field]));
    if (!having.length) continue;
    const [winner, ...rest] = having;
    const value = winner.data[field];
    const alternatives = rest.filter((r) => !same(r.data[field], value)).map((r) => ({ value: r.data[field], source: sourceOf(r) }));
    out[field] = {
      value, source: sourceOf(winner), alternatives,
      reason: having.length === 1 ? 'only_source' : alternatives.length ? 'most_recently_updated' : 'sources_agree',
    };
  }
  return out;
}
