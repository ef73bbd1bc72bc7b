import { createHash } from 'node:crypto';
import { PoolClient } from 'pg';
import type { Patient } from '../../canonical';
import { blockingKeys, matchFeatures, MAX_BLOCK_SIZE } from './matching';
import { LinkSubject, planLinks } from './link-plan';
import { detectCrossSourceConflicts } from '../conflicts/cross-source-detection';

interface SubjectRow {
  id: string;
  external_id: string;
  data?: Patient;
  integration_id: string;
  linked_patient_id: string | null;
  person_id: string | null;
  method: LinkSubject['method'];
}

/** A patient the writer has just stored: its external id and canonical data (no second read of `data`). */
export interface WrittenPatient {
  externalId: string;
  data: Patient;
}

const LINK_COLUMNS = `r.id, r.external_id, r.integration_id, r.linked_patient_id, pl.person_id, pl.method`;

const subject = (r: SubjectRow, data: Patient): LinkSubject => ({
  features: matchFeatures(r.id, data), integrationId: r.integration_id, personId: r.person_id, method: r.method, exactRootId: r.linked_patient_id,
});

/**
 * Puts the given patients of one integration into persons, inside the caller's transaction (the
 * sync's batch transaction, right after the record writer and the exact-match linker):
 * 1. one read of the batch's ids and person links (the data comes from the writer); the
 *    batch's blocking keys replace the stored ones where they changed;
 * 2. one probe of `person_blocking_keys` per batch: for each distinct key, at most
 *    MAX_BLOCK_SIZE + 1 records of the organization's other integrations (index range scans;
 *    a key that returns more is skipped), then one read of those candidates;
 * 3. one read each of the pairs decided `non_match` and of the persons' members;
 * 4. scoring and decisions in JS ({@link planLinks});
 * 5. bulk writes: new persons, link upserts (never over a `manual` link), open review pairs
 *    (never over a decided one), empty persons removed;
 * 6. cross-source conflicts of the batch's persons (docs/conflicts.md), set-based
 *    ({@link detectCrossSourceConflicts}).
 * An organization with a single integration skips 2, 3 and 6. Batches of one organization link one
 * at a time (a transaction-scoped advisory lock), so concurrent sources see each other's patients.
 * @returns how many records got a new or another person.
 */
export async function linkPersons(client: PoolClient, organizationId: string, integrationId: string, patients: WrittenPatient[]): Promise<number> {
  if (!patients.length) return 0;
  // One linker per organization at a time, until this batch commits: two sources loading at once
  // would otherwise each miss the other's uncommitted patients and never be matched.
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('persons:' || $1, 0))`, [organizationId]);
  const dataOf = new Map(patients.map((p) => [p.externalId, p.data]));
  const batchRows = (await client.query<SubjectRow>(
    `SELECT ${LINK_COLUMNS} FROM records r LEFT JOIN person_links pl ON pl.record_id = r.id
      WHERE r.integration_id = $1 AND r.resource_type = 'patients' AND r.external_id = ANY($2::text[]) AND r.deleted_at IS NULL`,
    [integrationId, [...dataOf.keys()]],
  )).rows;
  if (!batchRows.length) return 0;
  const batch = batchRows.map((r) => subject(r, dataOf.get(r.external_id)!));
  const ids = batch.map((b) => b.features.id);
  const keys = await replaceBlockingKeys(client, organizationId, integrationId, batch);
  // An organization with one integration has no candidates: every new record gets its own person.
  const others = await client.query(`SELECT 1 FROM integrations WHERE organization_id = $1 AND id <> $2 LIMIT 1`, [organizationId, integrationId]);
  const candidates = others.rowCount ? await findCandidates(client, organizationId, integrationId, keys, batch) : [];

  const nonMatch = new Set((await client.query<{ a: string; b: string }>(
    `SELECT record_a AS a, record_b AS b FROM person_match_candidates
      WHERE organization_id = $1 AND status = 'non_match' AND (record_a = ANY($2::uuid[]) OR record_b = ANY($2::uuid[]))`,
    [organizationId, ids],
  )).rows.map((r) => `${r.a}|${r.b}`));
  const persons = [...new Set([...batch, ...candidates].map((s) => s.personId).filter((p): p is string => !!p))];
  const members = persons.length ? (await client.query<{ person_id: string; record_id: string; integration_id: string }>(
    `SELECT pl.person_id, pl.record_id, r.integration_id FROM person_links pl JOIN records r ON r.id = pl.record_id WHERE pl.person_id = ANY($1::uuid[])`,
    [persons],
  )).rows : [];
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
    // New records get a plain INSERT (no speculative insertion); records that had a person an UPDATE.
    const had = new Set(batch.filter((b) => b.personId).map((b) => b.features.id));
    const write = async (sql: string, links: typeof plan.links) => links.length && client.query(sql,
      [organizationId, links.map((l) => l.recordId), links.map((l) => l.personId), links.map((l) => l.score), links.map((l) => (l.explanation ? JSON.stringify(l.explanation) : null))]);
    await write(
      `INSERT INTO person_links (record_id, person_id, organization_id, method, score, explanation)
       SELECT l.record_id, l.person_id, $1, 'auto', l.score, l.explanation
         FROM unnest($2::uuid[], $3::uuid[], $4::real[], $5::jsonb[]) AS l(record_id, person_id, score, explanation)`,
      plan.links.filter((l) => !had.has(l.recordId)),
    );
    await write(
      `UPDATE person_links pl SET person_id = l.person_id, method = 'auto', score = l.score, explanation = l.explanation, updated_at = now()
         FROM unnest($2::uuid[], $3::uuid[], $4::real[], $5::jsonb[]) AS l(record_id, person_id, score, explanation)
        WHERE pl.record_id = l.record_id AND pl.organization_id = $1 AND pl.method <> 'manual'`,
      plan.links.filter((l) => had.has(l.recordId)),
    );
    const fresh = new Set(plan.newPersons);
    const joined = [...new Set(plan.links.map((l) => l.personId))].filter((p) => !fresh.has(p));
    if (joined.length) await client.query(`UPDATE persons SET updated_at = now() WHERE id = ANY($1::uuid[])`, [joined]);
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
  if (others.rowCount) {
    // The batch's persons, before and after: a record that moved leaves its old person to be compared again.
    const touched = new Set([...batch.map((b) => b.personId), ...plan.links.map((l) => l.personId), ...plan.vacated].filter((p): p is string => !!p));
    await detectCrossSourceConflicts(client, organizationId, [...touched], integrationId);
  }
  await removeEmptyPersons(client, plan.vacated);
  return plan.links.length;
}

/** A blocking key as stored: the first 8 bytes of its SHA-256 as a signed 64-bit integer (decimal text for pg). */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
}

/**
 * Stores the batch's blocking keys (hashed, {@link keyHash}), touching only those that changed (a re-synced record mostly
 * keeps its keys): one read, one DELETE and one INSERT from arrays. Returns the batch's distinct keys.
 */
async function replaceBlockingKeys(client: PoolClient, organizationId: string, integrationId: string, batch: LinkSubject[]): Promise<string[]> {
  const ids = batch.map((b) => b.features.id);
  const stored = new Set((await client.query<{ k: string }>(
    `SELECT record_id || ' ' || key AS k FROM person_blocking_keys WHERE record_id = ANY($1::uuid[])`, [ids],
  )).rows.map((r) => r.k));
  const all = new Set<string>();
  const addIds: string[] = [];
  const addKeys: string[] = [];
  for (const b of batch) {
    for (const key of blockingKeys(b.features)) {
      const hash = keyHash(key);
      all.add(hash);
      if (!stored.delete(`${b.features.id} ${hash}`)) (addIds.push(b.features.id), addKeys.push(hash));
    }
  }
  if (stored.size) {
    const gone = [...stored].map((k) => k.split(' '));
    await client.query(
      `DELETE FROM person_blocking_keys b USING unnest($1::uuid[], $2::bigint[]) AS g(record_id, key)
        WHERE b.organization_id = $3 AND b.key = g.key AND b.integration_id = $4 AND b.record_id = g.record_id`,
      [gone.map((g) => g[0]), gone.map((g) => g[1]), organizationId, integrationId],
    );
  }
  if (addKeys.length) {
    await client.query(
      `INSERT INTO person_blocking_keys (organization_id, key, integration_id, record_id)
       SELECT $1, k, $2, id FROM unnest($3::bigint[], $4::uuid[]) AS t(k, id)`,
      [organizationId, integrationId, addKeys, addIds],
    );
  }
  return [...all];
}

/**
 * The candidates of a batch: records of the organization's other integrations sharing a blocking
 * key (a key shared by more than MAX_BLOCK_SIZE of them is skipped), plus the exact-match roots
 * the batch is linked to, with their data and person links.
 */
async function findCandidates(client: PoolClient, organizationId: string, integrationId: string, keys: string[], batch: LinkSubject[]): Promise<LinkSubject[]> {
  const hits = (await client.query<{ key: string; record_id: string }>(
    `SELECT k.key::text, h.record_id FROM unnest($2::bigint[]) AS k(key)
       CROSS JOIN LATERAL (
         SELECT b.record_id FROM person_blocking_keys b
          WHERE b.organization_id = $1 AND b.key = k.key AND b.integration_id <> $3 LIMIT $4
       ) h`,
    [organizationId, keys, integrationId, MAX_BLOCK_SIZE + 1],
  )).rows;
  const perKey = new Map<string, number>();
  for (const h of hits) perKey.set(h.key, (perKey.get(h.key) ?? 0) + 1);
  const wanted = new Set(hits.filter((h) => perKey.get(h.key)! <= MAX_BLOCK_SIZE).map((h) => h.record_id));
  for (const b of batch) if (b.exactRootId) wanted.add(b.exactRootId);
  if (!wanted.size) return [];
  return (await client.query<SubjectRow & { data: Patient }>(
    `SELECT ${LINK_COLUMNS}, r.data FROM records r LEFT JOIN person_links pl ON pl.record_id = r.id
      WHERE r.id = ANY($1::uuid[]) AND r.organization_id = $2 AND r.integration_id <> $3 AND r.resource_type = 'patients' AND r.deleted_at IS NULL`,
    [[...wanted], organizationId, integrationId],
  )).rows.map((r) => subject(r, r.data));
}

/** Deletes the given persons that no longer hold a record. */
export async function removeEmptyPersons(client: PoolClient, personIds: string[]): Promise<void> {
  if (!personIds.length) return;
  await client.query(
    `DELETE FROM persons p WHERE p.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM person_links pl WHERE pl.person_id = p.id)`,
    [personIds],
  );
}
