import 'reflect-metadata';
import { allowLoopbackFixtures } from './loopback-fixtures';
import { execFileSync, spawn } from 'node:child_process';
import { Client } from 'pg';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { buildOpenDentalSandbox, mutateOpenDentalSandbox, OPENDENTAL_COLUMNS, parseMysqlUrl } from '../sandbox/opendental-db';
import { ensureSandboxReader } from '../sandbox/opendental-db/reader-user';
import { DemoClient, JobView } from './demo-client';

/* `npm run bench:sync -- --patients 200000`: the raw limit (mariadb client piped into psql COPY
 * of the same patient rows, exactly escaped) against the product's full sync, unchanged re-sync
 * and incremental sync after 1% changes, with peak RSS. Prints figures; asserts nothing. */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

let peakRss = 0;
const rssAtFetched = new Map<number, number>();
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50).unref();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** COPY-text escaping done by MariaDB itself: NULL → \N, backslash, tab, newline, CR escaped. */
function copyTextSelect(columns: string[]): string {
  const esc = (c: string) => `COALESCE(REPLACE(REPLACE(REPLACE(REPLACE(CAST(\`${c}\` AS CHAR), '\\\\', '\\\\\\\\'), '\\t', '\\\\t'), '\\n', '\\\\n'), '\\r', '\\\\r'), '\\\\N')`;
  return `SELECT CONCAT_WS('\\t', ${columns.map(esc).join(', ')}) FROM patient`;
}

async function rawPipe(mysqlUrl: string, database: string, databaseUrl: string): Promise<{ rows: number; seconds: number }> {
  const columns = OPENDENTAL_COLUMNS.patient;
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  await pg.query('DROP TABLE IF EXISTS bench_raw_patient');
  await pg.query(`CREATE UNLOGGED TABLE bench_raw_patient (${columns.map((c) => `"${c}" text`).join(', ')})`);
  await pg.end();
  const target = parseMysqlUrl(mysqlUrl);
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const mariadb = spawn('mariadb', ['-h', target.host, '-P', String(target.port), '-u', target.user, ...(target.password ? [`-p${target.password}`] : []),
      '--batch', '--raw', '--skip-column-names', '--quick', database, '-e', copyTextSelect(columns)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const psql = spawn('psql', [databaseUrl, '-q', '-c', 'COPY bench_raw_patient FROM STDIN'], { stdio: ['pipe', 'ignore', 'inherit'] });
    mariadb.stdout.pipe(psql.stdin);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
    mariadb.on('exit', (code) => code !== 0 && reject(new Error(`mariadb exited ${code}`)));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = Number(execFileSync('psql', [databaseUrl, '-tAc', 'SELECT count(*) FROM bench_raw_patient']).toString().trim());
  execFileSync('psql', [databaseUrl, '-qc', 'DROP TABLE bench_raw_patient']);
  return { rows, seconds };
}

async function timedSync(client: DemoClient, integrationId: string, mode: 'full' | 'incremental'): Promise<{ job: JobView; seconds: number; rows: number }> {
  const created = await client.call<JobView>('post', '/api/v1/sync/jobs', { integrationId, mode, resources: ['patients'] });
  const job = await client.waitForJob(created.id, (j) => {
    const fetched = j.progress.patients?.fetched ?? 0;
    for (const mark of [50_000, 100_000, 200_000]) if (fetched >= mark && !rssAtFetched.has(mark)) rssAtFetched.set(mark, process.memoryUsage().rss);
  });
  if (job.status !== 'succeeded') throw new Error(`${mode} sync ended ${job.status}: ${job.errorCode}`);
  return { job, seconds: (job.durationMs ?? 0) / 1000, rows: job.progress.patients.fetched };
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  allowLoopbackFixtures();
  const env = loadEnv();
  const patients = Number(arg('patients', '200000'));
  const database = arg('database', 'opendental_sandbox_bench');
  out(`Building the sandbox: ${patients.toLocaleString('en-US')} patients…`);
  const built = await buildOpenDentalSandbox({ mysqlUrl: env.sandboxMysqlUrl, database, patients, appointmentsPerPatient: 1 });
  out(`  built in ${(built.durationMs / 1000).toFixed(1)} s`);
  const reader = await ensureSandboxReader(env.sandboxMysqlUrl, database);

  const pipe = await rawPipe(env.sandboxMysqlUrl, database, env.databaseUrl);
  const pipeRate = pipe.rows / pipe.seconds;

  const app = await createApp({ logger: false });
  await app.listen(0);
  const address = app.getHttpServer().address() as { port: number };
  const client = new DemoClient(`http://127.0.0.1:${address.port}`, env.adminApiKey);
  const org = await client.call<{ id: string; apiKey: { key: string } }>('post', '/api/v1/organizations', { name: 'Bench' });
  client.useKey(org.apiKey.key);
  const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'opendental-db', name: 'bench', environment: 'sandbox',
    config: { host: reader.host, port: reader.port, database, username: reader.username, requireBirthdate: false },
    credentials: { password: reader.password },
  });

  peakRss = process.memoryUsage().rss;
  const full = await timedSync(client, integration.id, 'full');
  const fullPeak = peakRss;
  const unchanged = await timedSync(client, integration.id, 'full');
  const changed = Math.max(1, Math.round(patients / 100));
  await mutateOpenDentalSandbox({ mysqlUrl: env.sandboxMysqlUrl, database, updatePatients: changed });
  await new Promise((r) => setTimeout(r, 1100));
  const incremental = await timedSync(client, integration.id, 'incremental');
  await app.close();
  // The bench organization's records are removed (cascade) so repeated runs measure the same table size.
  const pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  await pg.query('DELETE FROM organizations WHERE id = $1', [org.id]);
  await pg.end();

  const row = (name: string, rows: number, seconds: number, ratio?: number) =>
    out(`${name.padEnd(28)} ${rows.toLocaleString('en-US').padStart(9)} rows ${seconds.toFixed(2).padStart(8)} s ${Math.round(rows / seconds).toLocaleString('en-US').padStart(9)} rows/s${ratio === undefined ? '' : `  ${ratio.toFixed(2)}× pipe`}`);
  out(`\nResults (${patients.toLocaleString('en-US')} patients, batch ${env.syncBatchSize}, node ${process.version})`);
  row('raw mariadb | psql COPY', pipe.rows, pipe.seconds);
  row('full sync', full.rows, full.seconds, full.rows / full.seconds / pipeRate);
  row('unchanged re-sync', unchanged.rows, unchanged.seconds, unchanged.rows / unchanged.seconds / pipeRate);
  row(`incremental after ${changed} changes`, incremental.rows, incremental.seconds);
  out(`peak RSS: full sync ${mb(fullPeak)}, whole run ${mb(peakRss)}`);
  out(`RSS at fetched rows: ${[...rssAtFetched].map(([n, rss]) => `${n.toLocaleString('en-US')}: ${mb(rss)}`).join(', ') || 'n/a'}`);
  out('targets: full ≥ 0.35× pipe, unchanged ≥ 0.45× pipe, incremental < 3 s, peak RSS ≤ 300 MB without growth from 50k to 200k');
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
