import { randomBytes, randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { Cipher, deriveKey } from '../../src/common/crypto';
import { RecordWriter } from '../../src/modules/records/record-writer';
import { patientData } from '../factories/record.factory';

/**
 * Two sources of one organization writing their batches at the same moment, against the real
 * Postgres: the second batch's person linker waits for the first batch to commit and then
 * sees its patients, so William (office) and Bill (online booking) still become one person.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const key = randomBytes(32);
const writer = new RecordWriter(deriveKey(key, 'record-content-hash'), new Cipher(deriveKey(key, 'record-sensitive')));

afterAll(async () => {
  await pool.end();
});

const person = (first: string) => patientData({
  names: [{ use: 'official', family: 'Concurrent', given: [first], prefix: [], suffix: [], text: null }],
  birthDate: '1966-07-08', gender: 'male', telecom: [{ system: 'phone', value: '(503) 555-0111', use: 'home', rank: 1 }],
});

it('links patients of two sources whose batches are written at the same time', async () => {
  const org = (await pool.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ('Concurrent Dental') RETURNING id`)).rows[0].id;
  const [a, b] = [randomUUID(), randomUUID()];
  await pool.query(
    `INSERT INTO integrations (id, organization_id, vendor, name, environment) VALUES ($1, $3, 'opendental-db', 'a', 'sandbox'), ($2, $3, 'nexhealth', 'b', 'sandbox')`,
    [a, b, org],
  );
  const first: PoolClient = await pool.connect();
  const second: PoolClient = await pool.connect();
  try {
    await first.query('BEGIN');
    await writer.write(first, { organizationId: org, integrationId: a, resource: 'patients' }, writer.prepare([{ externalId: '1', data: person('William') }]), []);
    await second.query('BEGIN');
    const pending = writer.write(second, { organizationId: org, integrationId: b, resource: 'patients' }, writer.prepare([{ externalId: '1', data: person('Bill') }]), []);
    await new Promise((r) => setTimeout(r, 300)); // the second batch is now waiting for the first
    await first.query('COMMIT');
    await pending;
    await second.query('COMMIT');
  } finally {
    first.release();
    second.release();
  }
  const { rows } = await pool.query<{ person_id: string }>(
    `SELECT pl.person_id FROM person_links pl JOIN records r ON r.id = pl.record_id WHERE r.organization_id = $1`, [org],
  );
  expect(rows).toHaveLength(2);
  expect(rows[0].person_id).toBe(rows[1].person_id);
});
