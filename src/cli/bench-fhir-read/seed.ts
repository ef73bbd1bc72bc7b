import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { sha256Hex } from '../../common/crypto';

/** Family names the seeded patients draw from (so `family=` matches about 1/200 of them). */
export const BENCH_FAMILIES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
  'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White',
  'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres',
  'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
];
const GIVEN = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Zoë', 'José', 'Renée', 'Chloé'];

/** A parenthesised SQL array literal of constant strings (so it can be subscripted). */
const sqlArray = (values: string[]) => `(ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}])`;

/** The bench organization and the number of its live patients. */
export interface BenchTenant {
  organizationId: string;
  integrationId: string;
  patients: number;
}

/**
 * Makes (or finds) the bench organization `FHIR read bench` with one integration and seeds
 * `total` canonical-shaped patients (src/canonical/patient.ts) with INSERT … SELECT
 * generate_series, in chunks of 100,000, then ANALYZEs. A re-run with enough patients reuses them.
 * Family names come from {@link BENCH_FAMILIES} (1 in 50 each, with a numbered suffix on 3 in 4 so
 * a family has about 5,000 patients), birth dates spread over 1940–2019.
 */
export async function seedBenchPatients(pg: Client, total: number, log: (line: string) => void): Promise<BenchTenant> {
  let org = (await pg.query<{ id: string }>(`SELECT id FROM organizations WHERE name = 'FHIR read bench' LIMIT 1`)).rows[0];
  if (!org) org = (await pg.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ('FHIR read bench') RETURNING id`)).rows[0];
  let integration = (await pg.query<{ id: string }>('SELECT id FROM integrations WHERE organization_id = $1 LIMIT 1', [org.id])).rows[0];
  if (!integration) {
    integration = (await pg.query<{ id: string }>(
      `INSERT INTO integrations (id, organization_id, vendor, name, environment) VALUES (gen_random_uuid(), $1, 'opendental-db', 'bench', 'sandbox') RETURNING id`,
      [org.id],
    )).rows[0];
  }
  const count = async () => Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM records WHERE organization_id = $1 AND resource_type = 'patients'`, [org.id])).rows[0].n);
  let have = await count();
  const chunk = 100_000;
  while (have < total) {
    const from = have + 1;
    const to = Math.min(total, have + chunk);
    const started = Date.now();
    await pg.query(
      `INSERT INTO records (organization_id, integration_id, resource_type, external_id, data, content_hash, search_text, birth_date, status)
       SELECT $1, $2, 'patients', g.i::text, g.data, md5(g.i::text) || md5(g.data::text), lower(g.given || ' ' || g.family), (g.data->>'birthDate')::date, 'active'
         FROM (
           SELECT i, family, given, jsonb_build_object(
             'names', jsonb_build_array(jsonb_build_object('use', 'official', 'family', family, 'given', jsonb_build_array(given),
                      'prefix', '[]'::jsonb, 'suffix', '[]'::jsonb, 'text', given || ' ' || family)),
             'preferredName', NULL, 'displayName', given || ' ' || family,
             'birthDate', to_char(date '1940-01-01' + ((i::bigint * 7919) % 29200)::int, 'YYYY-MM-DD'),
             'gender', (ARRAY['female', 'male', 'other', 'unknown'])[1 + (i % 4)], 'status', 'active', 'sourceStatus', 'Patient',
             'telecom', jsonb_build_array(jsonb_build_object('system', 'phone', 'value', '555-' || lpad((i % 10000000)::text, 7, '0'), 'use', 'home', 'rank', 1)),
             'addresses', jsonb_build_array(jsonb_build_object('use', 'home', 'line', jsonb_build_array(i || ' Main St'), 'city', 'Springfield',
                          'state', 'IL', 'postalCode', '62704', 'country', 'US')),
             'identifiers', jsonb_build_array(jsonb_build_object('system', 'source:id', 'value', i::text, 'type', 'PI'),
                            jsonb_build_object('system', 'source:chart-number', 'value', 'C' || i, 'type', 'MR')),
             'ssnLast4', NULL, 'deceased', false, 'deceasedDateTime', NULL, 'maritalStatus', NULL, 'language', NULL,
             'primaryProvider', NULL, 'primaryLocation', NULL, 'guarantor', NULL, 'firstVisitDate', NULL) AS data
             FROM (
               SELECT i, ${sqlArray(BENCH_FAMILIES)}[1 + (i * 31) % ${BENCH_FAMILIES.length}] || CASE WHEN (i / 50) % 4 = 0 THEN '' ELSE '-' || (i % 997) END AS family,
                      ${sqlArray(GIVEN)}[1 + (i * 17) % ${GIVEN.length}] AS given
                 FROM generate_series($3::int, $4::int) AS i
             ) s
         ) g`,
      [org.id, integration.id, from, to],
    );
    have = to;
    log(`  seeded ${to.toLocaleString('en-US')} patients (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  await pg.query('ANALYZE records');
  return { organizationId: org.id, integrationId: integration.id, patients: await count() };
}

/** Inserts a fresh API key for the bench organization and returns its plaintext (key format of ApiKeysService). */
export async function benchApiKey(pg: Client, organizationId: string): Promise<string> {
  const prefix = `ehk_${randomBytes(6).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  await pg.query(`INSERT INTO api_keys (organization_id, name, prefix, key_hash) VALUES ($1, 'bench', $2, $3)`, [organizationId, prefix, sha256Hex(key)]);
  return key;
}
