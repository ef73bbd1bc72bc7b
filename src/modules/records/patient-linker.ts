import { PoolClient } from 'pg';
import { normalizeSearchText } from '../../common/search-text';

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
 * Costs one indexed query per batch, and nothing when the organization has one integration.
 * @returns how many patients were linked.
 */
export async function linkPatients(client: PoolClient, organizationId: string, integrationId: string, externalIds: string[]): Promise<number> {
  if (!externalIds.length) return 0;
  const others = await client.query(`SELECT 1 FROM integrations WHERE organization_id = $1 AND id <> $2 LIMIT 1`, [organizationId, integrationId]);
  if (!others.rowCount) return 0;
  const res = await client.query(
    `WITH batch AS (
       SELECT r.id, r.external_id, r.data->>'foreignId' AS foreign_id, r.match_key
         FROM records r
        WHERE r.integration_id = $2 AND r.resource_type = 'patients' AND r.external_id = ANY($3::text[])
          AND r.linked_patient_id IS NULL AND r.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM records k WHERE k.linked_patient_id = r.id)
     ), other_integrations AS (
       SELECT id FROM integrations WHERE organization_id = $1 AND id <> $2
     ), by_id AS (
       SELECT b.id, c.id AS target FROM batch b
         JOIN records c ON c.integration_id IN (SELECT id FROM other_integrations) AND c.resource_type = 'patients' AND c.external_id = b.foreign_id
       UNION
       SELECT b.id, c.id FROM batch b
         JOIN records c ON c.organization_id = $1 AND c.resource_type = 'patients' AND c.data ? 'foreignId'
                       AND c.data->>'foreignId' = b.external_id AND c.integration_id <> $2
     ), id_match AS (
       SELECT m.id, min(m.target::text)::uuid AS target, count(*) AS n
         FROM by_id m JOIN records c ON c.id = m.target JOIN records b ON b.id = m.id
        WHERE c.linked_patient_id IS NULL AND c.deleted_at IS NULL
          AND (b.birth_date IS NULL OR c.birth_date IS NULL OR b.birth_date = c.birth_date)
        GROUP BY m.id
     ), name_match AS (
       SELECT b.id, min(c.id::text)::uuid AS target, count(*) AS n
         FROM batch b
         JOIN records c ON c.organization_id = $1 AND c.resource_type = 'patients' AND c.match_key = b.match_key
                       AND c.integration_id <> $2 AND c.linked_patient_id IS NULL AND c.deleted_at IS NULL
        WHERE b.match_key IS NOT NULL AND b.id NOT IN (SELECT id FROM id_match)
        GROUP BY b.id
     ), pick AS (
       SELECT id, target, 'external_id' AS reason FROM id_match WHERE n = 1
       UNION ALL
       SELECT id, target, 'name_birthdate' FROM name_match WHERE n = 1
     )
     UPDATE records r SET linked_patient_id = p.target, link_reason = p.reason, linked_at = now()
       FROM pick p WHERE r.id = p.id`,
    [organizationId, integrationId, externalIds],
  );
  return res.rowCount ?? 0;
}
