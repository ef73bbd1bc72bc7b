import { PoolClient } from 'pg';
import { normalizeSearchText } from '../../common/search-text';
import { byExternalIds } from './records.repository';

/** Why a patient was linked to a patient of another source. */
export type LinkReason = 'external_id' | 'name_birthdate';

/**
 * The key two sources' patients are matched on when no external id links them:
 * `first|last|yyyy-MM-dd` from the canonical `firstName` (legal name, not the preferred one),
 * `lastName` and `birthDate`, each normalised like name search (accents, case, apostrophes and
 * hyphens removed: "O'Brien-Zoë" = "obrienzoe"). Null when any part is missing, so patients
 * without a birth date are never matched by name alone.
 */
export function patientMatchKey(data: Record<string, unknown>): string | null {
  const part = (v: unknown) => (typeof v === 'string' ? normalizeSearchText(v)?.replace(/ /g, '') ?? null : null);
  const first = part(data.firstName);
  const last = part(data.lastName);
  const birth = typeof data.birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(data.birthDate) ? data.birthDate : null;
  return first && last && birth ? `${first}|${last}|${birth}` : null;
}

/** A patient row as the linker reads it: the batch's patients and their candidates alike. */
interface Candidate {
  id: string;
  external_id: string;
  foreign_id: string | null;
  match_key: string | null;
  birth_date: string | null;
}

/** Birth dates that do not disagree (either unknown, or equal). */
function datesAgree(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

/** The single candidate, or null when there are none or several (ambiguous: no link). */
function only(found: Map<string, Candidate> | undefined): Candidate | null {
  return found && found.size === 1 ? [...found.values()][0] : null;
}

const CANDIDATE_COLUMNS = `id, external_id, data->>'foreignId' AS foreign_id, match_key, to_char(birth_date, 'YYYY-MM-DD') AS birth_date`;

/**
 * Links the given patients of one integration to an existing patient of the same organization
 * from another integration, inside the caller's transaction:
 * 1. `external_id`: the new patient's `data.foreignId` (the EHR id a synchronizer such as
 *    NexHealth reports) equals the other patient's external id, or the other way round, and
 *    their birth dates do not disagree (a foreign id is only unique within the system behind
 *    the synchronizer: PatNum 42 of another office is someone else);
 * 2. otherwise `name_birthdate`: equal {@link patientMatchKey}.
 * A link is made only when exactly one candidate matches, to a root (a patient that is not
 * itself linked and not deleted); patients already linked, or that others link to, keep their
 * place. Links are never moved by a later sync (a person changing a name stays linked).
 * Cost per batch: a few indexed `= ANY` lookups and one UPDATE from arrays (plans that stay
 * simple on a table whose statistics lag behind a bulk load), and one cheap query when the
 * organization has a single integration.
 * @returns how many patients were linked.
 */
export async function linkPatients(client: PoolClient, organizationId: string, integrationId: string, externalIds: string[]): Promise<number> {
  if (!externalIds.length) return 0;
  const others = (await client.query<{ id: string }>(`SELECT id FROM integrations WHERE organization_id = $1 AND id <> $2`, [organizationId, integrationId])).rows.map((r) => r.id);
  if (!others.length) return 0;
  const batch = (await client.query<Candidate>(
    `${byExternalIds(CANDIDATE_COLUMNS)} AND r.linked_patient_id IS NULL AND r.deleted_at IS NULL`,
    [integrationId, 'patients', externalIds],
  )).rows;
  if (!batch.length) return 0;
  // Patients others already link to stay roots.
  const targets = new Set((await client.query<{ id: string }>(
    `SELECT DISTINCT linked_patient_id AS id FROM records WHERE linked_patient_id = ANY($1::uuid[])`, [batch.map((b) => b.id)],
  )).rows.map((r) => r.id));
  const open = batch.filter((b) => !targets.has(b.id));
  if (!open.length) return 0;

  const roots = `resource_type = 'patients' AND linked_patient_id IS NULL AND deleted_at IS NULL`;
  const foreignIds = [...new Set(open.map((b) => b.foreign_id).filter((f): f is string => !!f))];
  const byExternal = foreignIds.length ? (await client.query<Candidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM records WHERE integration_id = ANY($1::uuid[]) AND ${roots} AND external_id = ANY($2::text[])`, [others, foreignIds],
  )).rows : [];
  const byForeign = (await client.query<Candidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM records
      WHERE organization_id = $1 AND ${roots} AND data ? 'foreignId' AND data->>'foreignId' = ANY($2::text[]) AND integration_id <> $3`,
    [organizationId, open.map((b) => b.external_id), integrationId],
  )).rows;
  const keys = [...new Set(open.map((b) => b.match_key).filter((k): k is string => !!k))];
  const byKey = keys.length ? (await client.query<Candidate>(
    `SELECT ${CANDIDATE_COLUMNS} FROM records WHERE organization_id = $1 AND ${roots} AND match_key = ANY($2::text[]) AND integration_id <> $3`,
    [organizationId, keys, integrationId],
  )).rows : [];

  const group = (rows: Candidate[], key: (c: Candidate) => string | null) => {
    const map = new Map<string, Map<string, Candidate>>();
    for (const c of rows) {
      const k = key(c);
      if (!k) continue;
      if (!map.has(k)) map.set(k, new Map());
      map.get(k)!.set(c.id, c);
    }
    return map;
  };
  const externalOf = group(byExternal, (c) => c.external_id);
  const foreignOf = group(byForeign, (c) => c.foreign_id);
  const keyOf = group(byKey, (c) => c.match_key);

  const ids: string[] = [];
  const linkTo: string[] = [];
  const reasons: LinkReason[] = [];
  for (const b of open) {
    const idMatches = new Map<string, Candidate>();
    for (const c of [...(b.foreign_id ? externalOf.get(b.foreign_id)?.values() ?? [] : []), ...(foreignOf.get(b.external_id)?.values() ?? [])]) {
      if (datesAgree(b.birth_date, c.birth_date)) idMatches.set(c.id, c);
    }
    if (idMatches.size) {
      const target = only(idMatches);
      if (target) (ids.push(b.id), linkTo.push(target.id), reasons.push('external_id'));
      continue; // an ambiguous id match is not resolved by name
    }
    const target = b.match_key ? only(keyOf.get(b.match_key)) : null;
    if (target) (ids.push(b.id), linkTo.push(target.id), reasons.push('name_birthdate'));
  }
  if (!ids.length) return 0;
  const res = await client.query(
    `UPDATE records r SET linked_patient_id = l.target, link_reason = l.reason, linked_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS l(id, target, reason) WHERE r.id = l.id`,
    [ids, linkTo, reasons],
  );
  return res.rowCount ?? 0;
}
