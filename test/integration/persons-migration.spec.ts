import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { MIGRATE_EXACT_LINKS } from '../../migrations/1795800000200-Persons';
import { patientData } from '../factories/record.factory';

/**
 * Today's exact-match links become persons (migration 1795800000200-Persons), against the real
 * Postgres: records inserted the way they were before persons existed (no person links), with
 * `linked_patient_id` set as the old linker did.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

afterAll(async () => {
  await pool.end();
});

async function insertPatient(organizationId: string, integrationId: string, externalId: string, linkedTo: string | null): Promise<string> {
  const res = await pool.query<{ id: string }>(
    `INSERT INTO records (organization_id, integration_id, resource_type, external_id, data, content_hash, linked_patient_id, link_reason, linked_at)
     VALUES ($1, $2, 'patients', $3::text, $4, md5($3::text), $5, CASE WHEN $5::uuid IS NOT NULL THEN 'name_birthdate' END, CASE WHEN $5::uuid IS NOT NULL THEN now() END)
     RETURNING id`,
    [organizationId, integrationId, externalId, JSON.stringify(patientData()), linkedTo],
  );
  return res.rows[0].id;
}

it('puts each root and the records linked to it into one person, everyone else into a person of their own, and is idempotent', async () => {
  const org = (await pool.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ('Migrated Dental') RETURNING id`)).rows[0].id;
  const [a, b] = [randomUUID(), randomUUID()];
  await pool.query(
    `INSERT INTO integrations (id, organization_id, vendor, name, environment) VALUES ($1, $3, 'opendental-db', 'a', 'sandbox'), ($2, $3, 'nexhealth', 'b', 'sandbox')`,
    [a, b, org],
  );
  const root = await insertPatient(org, a, '1', null);
  const linked = await insertPatient(org, b, '1', root);
  const alone = await insertPatient(org, b, '2', null);

  await pool.query(MIGRATE_EXACT_LINKS);
  await pool.query(MIGRATE_EXACT_LINKS);

  const links = (await pool.query<{ record_id: string; person_id: string; method: string; explanation: { reason?: string } | null }>(
    `SELECT record_id, person_id, method, explanation FROM person_links WHERE organization_id = $1`, [org],
  )).rows;
  const of = (id: string) => links.find((l) => l.record_id === id)!;
  expect(links).toHaveLength(3);
  expect(of(linked).person_id).toBe(of(root).person_id);
  expect(of(alone).person_id).not.toBe(of(root).person_id);
  expect(links.every((l) => l.method === 'migrated')).toBe(true);
  expect(of(linked).explanation).toEqual({ reason: 'name_birthdate' });
  const persons = await pool.query(`SELECT id FROM persons WHERE organization_id = $1`, [org]);
  expect(persons.rows).toHaveLength(2);
});
