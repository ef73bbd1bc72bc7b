import 'reflect-metadata';
import { allowLoopbackFixtures } from './loopback-fixtures';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { FhirR4Adapter } from '../providers/fhir-r4/fhir-r4.adapter';
import type { ResourceType } from '../providers/provider-adapter';
import { exportFiles, rawPipe, sandboxToken } from './bench-fhir/raw-pipe';
import { DemoClient, JobView } from './demo-client';

/* `npm run bench:fhir [-- --patients 100000 --search false]`: a full sync of patients and their appointments
 * from the FHIR sandbox (run in a child process, so its store is not in the hub's RSS) by Bulk
 * `$export` and by paged search (`_count=1000`), against the raw limit measured in the same run
 * (the same NDJSON files piped into `psql COPY`). Prints rows/s, the ratio, peak RSS; asserts nothing. */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const SECRET = 'bench-secret';

let peakRss = 0;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50).unref();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function startSandbox(patients: number): Promise<{ root: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(__dirname, 'bench-fhir', 'sandbox-host.js'), '--patients', String(patients), '--secret', SECRET], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
  });
  return { root: (JSON.parse(first) as { root: string }).root, stop: () => child.kill('SIGTERM') };
}

async function timedSync(client: DemoClient, integrationId: string, marks: Map<number, number>): Promise<{ seconds: number; rows: number; peak: number }> {
  peakRss = process.memoryUsage().rss;
  const created = await client.call<JobView>('post', '/api/v1/sync/jobs', { integrationId, mode: 'full', resources: ['patients', 'appointments'] });
  const job = await client.waitForJob(created.id, (j) => {
    const fetched = Object.values(j.progress).reduce((n, p) => n + p.fetched, 0);
    for (const mark of [20_000, 100_000, 300_000]) if (fetched >= mark && !marks.has(mark)) marks.set(mark, process.memoryUsage().rss);
  });
  if (job.status !== 'succeeded') throw new Error(`sync ended ${job.status}: ${job.errorCode} ${job.errorMessage}`);
  return { seconds: (job.durationMs ?? 0) / 1000, rows: Object.values(job.progress).reduce((n, p) => n + p.fetched, 0), peak: peakRss };
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  allowLoopbackFixtures();
  const env = loadEnv();
  const patients = Number(arg('patients', '100000'));
  out(`Starting the FHIR sandbox with ${patients.toLocaleString('en-US')} patients…`);
  const sandbox = await startSandbox(patients);
  const base = `${sandbox.root}/fhir-r4/bench`;
  const token = await sandboxToken(base, 'bench-client', SECRET);
  const pipe = await rawPipe(await exportFiles(base, token, ['Patient', 'Appointment']), token, env.databaseUrl);
  const pipeRate = pipe.rows / pipe.seconds;

  const app = await createApp({ logger: false });
  await app.listen(0);
  const client = new DemoClient(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, env.adminApiKey);
  const org = await client.call<{ id: string; apiKey: { key: string } }>('post', '/api/v1/organizations', { name: 'Bench FHIR' });
  client.useKey(org.apiKey.key);
  const integration = (bulkExport: 'always' | 'never') => client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'fhir-r4', name: `bench ${bulkExport}`, environment: 'sandbox',
    config: { fhirBaseUrl: base, clientId: 'bench-client', bulkExport, pageSize: 1000, requestTimeoutMs: 120_000 }, credentials: { clientSecret: SECRET },
  });
  // The reader alone (adapter.read into nothing): what Bulk costs before the store writes a row.
  const adapter = app.get(FhirR4Adapter);
  const readStarted = process.hrtime.bigint();
  let readRows = 0;
  for (const resource of ['patients', 'appointments'] as ResourceType[]) {
    const ctx = { organizationId: org.id, integrationId: 'bench-reader', environment: 'sandbox' as const, config: { fhirBaseUrl: base, clientId: 'bench-client', bulkExport: 'always' }, credentials: { clientSecret: SECRET } };
    for await (const batch of adapter.read(ctx, { resource, checkpoint: null, batchSize: env.syncBatchSize })) readRows += batch.fetched;
  }
  const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
  const bulkMarks = new Map<number, number>();
  const bulk = await timedSync(client, (await integration('always')).id, bulkMarks);
  // `--search false` skips the paged-search sync (the sandbox sorts every page: slow at 100k).
  const search = arg('search', 'true') === 'false' ? null : await timedSync(client, (await integration('never')).id, new Map());
  await app.close();
  sandbox.stop();
  const pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  await pg.query('DELETE FROM organizations WHERE id = $1', [org.id]); // cascade: repeated runs measure the same table size
  await pg.end();

  const row = (name: string, rows: number, seconds: number, ratio?: number) =>
    out(`${name.padEnd(30)} ${rows.toLocaleString('en-US').padStart(9)} rows ${seconds.toFixed(2).padStart(8)} s ${Math.round(rows / seconds).toLocaleString('en-US').padStart(9)} rows/s${ratio === undefined ? '' : `  ${ratio.toFixed(2)}× pipe`}`);
  out(`\nResults (${patients.toLocaleString('en-US')} patients and their appointments, batch ${env.syncBatchSize}, node ${process.version})`);
  row('raw NDJSON | psql COPY', pipe.rows, pipe.seconds);
  row('Bulk read alone (no store)', readRows, readSeconds, readRows / readSeconds / pipeRate);
  row('full sync by Bulk $export', bulk.rows, bulk.seconds, bulk.rows / bulk.seconds / pipeRate);
  if (search) row('full sync by paged search', search.rows, search.seconds, search.rows / search.seconds / pipeRate);
  out(`peak RSS (hub: API, worker and the bench in one process): Bulk ${mb(bulk.peak)}${search ? `, search ${mb(search.peak)}` : ''}`);
  out(`RSS at fetched rows (Bulk): ${[...bulkMarks].map(([n, rss]) => `${n.toLocaleString('en-US')}: ${mb(rss)}`).join(', ') || 'n/a'}`);
  out('targets: Bulk ≥ 0.3× pipe; peak RSS ≤ 300 MB and flat from 20k to 100k');
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
