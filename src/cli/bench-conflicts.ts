import 'reflect-metadata';
import { Client } from 'pg';
import { allowLoopbackFixtures } from './loopback-fixtures';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { buildOpenDentalSandbox, mutateOpenDentalSandbox } from '../sandbox/opendental-db';
import { ensureSandboxReader } from '../sandbox/opendental-db/reader-user';
import { DemoClient, JobView } from './demo-client';

/* `node dist/src/cli/bench-conflicts.js --patients 200000` (docs/benchmarks.md): three
 * integrations on one OpenDental sandbox, "off" (no rules, no local edits), "edits" (local edits
 * on 1 % of the patients plus on every patient the 1 % change touches, so each of those changes
 * raises a three-way conflict) and "on" (the same edits and 10 transformation rules), timed on an
 * unchanged re-sync and on an incremental sync after 1 % of the patients changed. Prints
 * figures; asserts nothing. */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

/** Ten rules of the kinds docs/transformations.md lists, on fields every patient has. */
const RULES: Array<[string, string, object]> = [
  ['displayName', 'trim', {}], ['preferredName', 'trim', {}], ['telecom.value', 'phone_e164', { defaultRegion: 'US' }],
  ['addresses.state', 'case', { mode: 'upper' }], ['addresses.city', 'trim', {}], ['sourceStatus', 'value_map', { map: { Patient: 'Active patient' } }],
  ['language', 'default', { value: 'en' }], ['addresses.postalCode', 'regex_replace', { pattern: '\\s+', replacement: '' }],
  ['names.family', 'trim', {}], ['displayName', 'expression', { expression: '$' }],
];

/** Sets a local edit (an emptied list) of `fields` on the integration's patients with these external ids, as a PATCH would store it. */
const EDIT_SQL = `UPDATE records SET local_data = (SELECT jsonb_object_agg(f, jsonb_build_object('value', '[]'::jsonb, 'base', data -> f, 'baseAt', NULL,
    'editedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'editedBy', '{"actorType":"api_key","actorId":"bench"}'::jsonb)) FROM unnest($3::text[]) f)
  WHERE integration_id = $1 AND resource_type = 'patients' AND external_id = ANY($2::text[])`;

async function timedSync(client: DemoClient, integrationId: string, mode: 'full' | 'incremental'): Promise<number> {
  const created = await client.call<JobView>('post', '/api/v1/sync/jobs', { integrationId, mode, resources: ['patients'] });
  const job = await client.waitForJob(created.id, () => undefined);
  if (!['succeeded', 'partially_succeeded'].includes(job.status)) throw new Error(`${mode} sync ended ${job.status}: ${job.errorCode}`);
  return (job.durationMs ?? 0) / 1000;
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  allowLoopbackFixtures();
  const env = loadEnv();
  const patients = Number(arg('patients', '200000'));
  const database = arg('database', 'opendental_sandbox_bench_conflicts');
  out(`Building the sandbox: ${patients.toLocaleString('en-US')} patients…`);
  await buildOpenDentalSandbox({ mysqlUrl: env.sandboxMysqlUrl, database, patients, appointmentsPerPatient: 1 });
  const reader = await ensureSandboxReader(env.sandboxMysqlUrl, database);
  const app = await createApp({ logger: false });
  await app.listen(0);
  const client = new DemoClient(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, env.adminApiKey);
  const org = await client.call<{ id: string; apiKey: { key: string } }>('post', '/api/v1/organizations', { name: 'Bench conflicts' });
  client.useKey(org.apiKey.key);
  const integration = (name: string) => client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'opendental-db', name, environment: 'sandbox',
    config: { host: reader.host, port: reader.port, database, username: reader.username, requireBirthdate: false },
    credentials: { password: reader.password },
  });
  const off = (await integration('off')).id;
  const edits = (await integration('edits')).id;
  const on = (await integration('on')).id;
  const pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  try {
    for (const [i, [field, type, params]] of RULES.entries()) {
      await pg.query(`INSERT INTO transformation_rules (organization_id, integration_id, resource_type, field, type, params, position)
        VALUES ($1, $2, 'patients', $3, $4, $5, $6)`, [org.id, on, field, type, JSON.stringify(params), i]);
    }
    out('Full syncs (not compared: the rules change every record once)…');
    for (const id of [off, edits, on]) await timedSync(client, id, 'full');
    const ids = (await pg.query<{ external_id: string }>(`SELECT external_id FROM records WHERE integration_id = $1 AND resource_type = 'patients' ORDER BY id`, [on])).rows.map((r) => r.external_id);
    for (const id of [edits, on]) await pg.query(EDIT_SQL, [id, ids.filter((_, i) => i % 100 === 0), ['preferredName']]);
    await pg.query('ANALYZE records');

    // Each timed run twice, the faster counted: a shared machine's noise only ever adds time.
    const best = async (id: string, mode: 'full' | 'incremental', before?: () => Promise<void>) => {
      const times: number[] = [];
      for (let round = 0; round < 2; round++) {
        await before?.();
        times.push(await timedSync(client, id, mode));
      }
      return Math.min(...times);
    };
    const unchangedOff = await best(off, 'full');
    const unchangedEdits = await best(edits, 'full');
    const unchangedOn = await best(on, 'full');
    const changed = Math.max(1, Math.round(patients / 100));
    // Two rounds of 1 % changes; after each, the hub edits the same patients: every change meets a local edit of its field.
    const timings = { off: [] as number[], edits: [] as number[], on: [] as number[] };
    for (let round = 0; round < 2; round++) {
      const mutation = await mutateOpenDentalSandbox({ mysqlUrl: env.sandboxMysqlUrl, database, updatePatients: changed, seed: 100 + round });
      for (const id of [edits, on]) await pg.query(EDIT_SQL, [id, mutation.updatedPatNums.map(String), ['telecom', 'addresses']]);
      await new Promise((r) => setTimeout(r, 1100));
      timings.off.push(await timedSync(client, off, 'incremental'));
      timings.edits.push(await timedSync(client, edits, 'incremental'));
      timings.on.push(await timedSync(client, on, 'incremental'));
    }
    const [incrementalOff, incrementalEdits, incrementalOn] = [timings.off, timings.edits, timings.on].map((t) => Math.min(...t));
    const conflicts = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM conflicts WHERE integration_id = $1', [edits])).rows[0].n);

    const pct = (a: number, b: number) => `${(((b / a) - 1) * 100).toFixed(1)} %`.padStart(9);
    const row = (name: string, a: number, b: number, c: number) =>
      out(`${name.padEnd(32)} ${a.toFixed(2).padStart(7)} s ${b.toFixed(2).padStart(7)} s ${pct(a, b)} ${c.toFixed(2).padStart(7)} s ${pct(a, c)}`);
    out(`\nResults (${patients.toLocaleString('en-US')} patients, batch ${env.syncBatchSize}, node ${process.version})`);
    out(`${''.padEnd(32)} ${'off'.padStart(9)} ${'edits'.padStart(9)} ${'slower'.padStart(9)} ${'on'.padStart(9)} ${'slower'.padStart(9)}`);
    row('unchanged re-sync', unchangedOff, unchangedEdits, unchangedOn);
    row(`incremental after ${changed.toLocaleString('en-US')} changes`, incrementalOff, incrementalEdits, incrementalOn);
    out(`conflicts raised by the incrementals (edits): ${conflicts.toLocaleString('en-US')}`);
    out('target: on ≤ 10 % slower than off (edits: conflict detection alone; on: detection and 10 transformation rules)');
  } finally {
    // The app (and its conflict-resolution worker) stops first; then the bench organization goes, with its records (cascade).
    await app.close();
    await pg.query('DELETE FROM organizations WHERE id = $1', [org.id]);
    await pg.end();
  }
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
