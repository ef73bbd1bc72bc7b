import { PoolClient } from 'pg';
import type { Patient } from '../../canonical';
import { blockingKeys, matchFeatures, MAX_BLOCK_SIZE } from './matching';
import { LinkSubject, planLinks } from './link-plan';

interface SubjectRow {
  id: string;
  data: Patient;
  integration_id: string;
  linked_patient_id: string | null;
  person_id: string | null;
  method: LinkSubject['method'];
}

const SUBJECT_COLUMNS = `r.id, r.data, r.integration_id, r.linked_patient_id, pl.person_id, pl.method`;

const subject = (r: SubjectRow): LinkSubject => ({
  features: matchFeatures(r.id, r.data), integrationId: r.integration_id, personId: r.person_id, method: r.method, exactRootId: r.linked_patient_id,
});

/**
 * Puts the given patients of one integration into persons, inside the caller's transaction (the
 * sync's batch transaction, right after the record writer and the exact-match linker):
 * 1. one read of the batch with its person links; its blocking keys replace the stored ones
 *    (one DELETE, one INSERT from arrays);
 * 2. one indexed `= ANY` probe of `person_blocking_keys` for the batch's keys finds the
 *    candidates of the organization's other integrations (keys shared by more than
 *    MAX_BLOCK_SIZE records are skipped), read with their person links;
 * 3. one read each of the pairs decided `non_match`, of the candidates' persons' sizes and of
 *    the persons that already hold a record of this integration;
 * 4. scoring and decisions in JS ({@link planLinks});
 * 5. bulk writes: new persons, link upserts (never over a `manual` link), open review pairs
 *    (never over a decided one), empty persons removed.
 * @returns how many records got a new or another person.
 */
export async function linkPersons(client: PoolClient, organizationId: string, integrationId: string, externalIds: string[]): Promise<number> {
  if (!externalIds.length) return 0;
  const batchRows = (await client.query<SubjectRow>(
    `SELECT ${SUBJECT_COLUMNS} FROM records r LEFT JOIN person_links pl ON pl.record_id = r.id
      WHERE r.integration_id = $1 AND r.resource_type = 'patients' AND r.external_id = ANY($2::text[]) AND r.deleted_at IS NULL`,
    [integrationId, externalIds],
  )).rows;
  if (!batchRows.length) return 0;
  const batch = batchRows.map(subject);
  const ids = batch.map((b) => b.features.id);
  const keyIds: string[] = [];
  const keys: string[] = [];
  for (const b of batch) for (const k of blockingKeys(b.features)) (keyIds.push(b.features.id), keys.push(k));
  await client.query(`DELETE FROM person_blocking_keys WHERE record_id = ANY($1::uuid[])`, [ids]);
  if (keys.length) {
    await client.query(
      `INSERT INTO person_blocking_keys (organization_id, key, record_id) SELECT $1, k, id FROM unnest($2::text[], $3::uuid[]) AS t(k, id) ON CONFLICT DO NOTHING`,
      [organizationId, keys, keyIds],
    );
  }
  const roots = [...new Set(batch.map((b) => b.exactRootId).filter((r): r is string => !!r))];
  const candidates = (await client.query<SubjectRow>(
    `WITH hits AS (
       SELECT k.key, k.record_id FROM person_blocking_keys k WHERE k.organization_id = $1 AND k.key = ANY($2::text[])
     ), small AS (SELECT key FROM hits GROUP BY key HAVING count(*) <= $4)
     SELECT ${SUBJECT_COLUMNS} FROM records r LEFT JOIN person_links pl ON pl.record_id = r.id
      WHERE r.organization_id = $1 AND r.integration_id <> $3 AND r.resource_type = 'patients' AND r.deleted_at IS NULL
        AND (r.id IN (SELECT hits.record_id FROM hits JOIN small USING (key)) OR r.id = ANY($5::uuid[]))`,
    [organizationId, [...new Set(keys)], integrationId, MAX_BLOCK_SIZE + batch.length, roots],
  )).rows.map(subject);

  const nonMatch = new Set((await client.query<{ a: string; b: string }>(
    `SELECT record_a AS a, record_b AS b FROM person_match_candidates
      WHERE organization_id = $1 AND status = 'non_match' AND (record_a = ANY($2::uuid[]) OR record_b = ANY($2::uuid[]))`,
    [organizationId, ids],
  )).rows.map((r) => `${r.a}|${r.b}`));
  const persons = [...new Set([...batch, ...candidates].map((s) => s.personId).filter((p): p is string => !!p))];
  const members = (await client.query<{ person_id: string; record_id: string; integration_id: string }>(
    `SELECT pl.person_id, pl.record_id, r.integration_id FROM person_links pl JOIN records r ON r.id = pl.record_id WHERE pl.person_id = ANY($1::uuid[])`,
    [persons],
  )).rows;
  const personSize = new Map<string, number>();
  const takenByIntegration = new Map<string, string>();
  for (const m of members) {
    personSize.set(m.person_id, (personSize.get(m.person_id) ?? 0) + 1);
    if (m.integration_id === integrationId) takenByIntegration.set(m.person_id, m.record_id);
  }

  const plan = planLinks(batch, candidates, nonMatch, personSize, takenByIntegration);
  if (plan.newPersons.length) {
    await client.query(`INSERT INTO persons (id, organization_id) SELECT id, $1 FROM unnest($2::uuid[]) AS t(id)`, [organizationId, plan.newPersons]);
  }
  if (plan.links.length) {
    await client.query(
      `INSERT INTO person_links (record_id, person_id, organization_id, method, score, explanation)
       SELECT l.record_id, l.person_id, $1, 'auto', l.score, l.explanation
         FROM unnest($2::uuid[], $3::uuid[], $4::real[], $5::jsonb[]) AS l(record_id, person_id, score, explanation)
       ON CONFLICT (record_id) DO UPDATE SET person_id = EXCLUDED.person_id, method = 'auto', score = EXCLUDED.score,
              explanation = EXCLUDED.explanation, updated_at = now()
        WHERE person_links.method <> 'manual'`,
      [organizationId, plan.links.map((l) => l.recordId), plan.links.map((l) => l.personId), plan.links.map((l) => l.score), plan.links.map((l) => JSON.stringify(l.explanation))],
    );
    await client.query(`UPDATE persons SET updated_at = now() WHERE id = ANY($1::uuid[])`, [[...new Set(plan.links.map((l) => l.personId))]]);
  }
  if (plan.review.length) {
    await client.query(
      `INSERT INTO person_match_candidates (organization_id, record_a, record_b, score, field_scores)
       SELECT $1, c.a, c.b, c.score, c.fields FROM unnest($2::uuid[], $3::uuid[], $4::real[], $5::jsonb[]) AS c(a, b, score, fields)
       ON CONFLICT (organization_id, record_a, record_b) DO UPDATE SET score = EXCLUDED.score, field_scores = EXCLUDED.field_scores, updated_at = now()
        WHERE person_match_candidates.status = 'open'`,
      [organizationId, plan.review.map((r) => r.recordA), plan.review.map((r) => r.recordB), plan.review.map((r) => r.score), plan.review.map((r) => JSON.stringify(r.fields))],
    );
  }
  await removeEmptyPersons(client, plan.vacated);
  return plan.links.length;
}

/** Deletes the given persons that no longer hold a record. */
export async function removeEmptyPersons(client: PoolClient, personIds: string[]): Promise<void> {
  if (!personIds.length) return;
  await client.query(
    `DELETE FROM persons p WHERE p.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM person_links pl WHERE pl.person_id = p.id)`,
    [personIds],
  );
}
