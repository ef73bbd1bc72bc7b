import 'reflect-metadata';
import { allowLoopbackFixtures } from './loopback-fixtures';
import { SingleBar, Presets } from 'cli-progress';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { buildOpenDentalSandbox, mutateOpenDentalSandbox } from '../sandbox/opendental-db';
import { ensureSandboxReader } from '../sandbox/opendental-db/reader-user';
import { DemoClient, JobView } from './demo-client';
import { demoFhir } from './demo-fhir';
import { demoNexHealth } from './demo-nexhealth';
import { demoOpenDentalApi } from './demo-opendental-api';

/* The main job, end to end through the REST API (README: `npm run demo`):
 * build the OpenDental sandbox database, create an organization, key and opendental-db
 * integration, run a full sync on the BullMQ worker with a progress bar, change source rows,
 * run an incremental sync, print both summaries, then keep serving (`--exit` stops). */

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const out = (line = '') => process.stdout.write(`${line}\n`);

function summary(title: string, job: JobView, expectedTotal?: number): void {
  const resources = Object.entries(job.progress);
  const sum = (k: 'fetched' | 'added' | 'updated' | 'unchanged' | 'skipped' | 'deleted' | 'failed') => resources.reduce((n, [, p]) => n + p[k], 0);
  const seconds = (job.durationMs ?? 0) / 1000;
  out(`\n${title}: ${job.status} in ${seconds.toFixed(2)} s, ${Math.round(sum('fetched') / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s`);
  out('  resource       fetched    added  updated unchanged  skipped  deleted   failed   stored');
  for (const [name, p] of resources) {
    const cells = [p.fetched, p.added, p.updated, p.unchanged, p.skipped, p.deleted, p.failed, p.stored ?? 0].map((n) => String(n).padStart(8));
    out(`  ${name.padEnd(12)} ${cells.join(' ')}`);
  }
  if (job.errorCode) out(`  error: ${job.errorCode} ${job.errorMessage ?? ''}`);
  if (expectedTotal !== undefined) out(`  source rows expected ~${expectedTotal}`);
}

async function runSync(client: DemoClient, integrationId: string, mode: 'full' | 'incremental'): Promise<JobView> {
  const job = await client.call<JobView>('post', '/api/v1/sync/jobs', { integrationId, mode });
  const bar = new SingleBar({ format: `  ${mode.padEnd(11)} [{bar}] {value} rows | {resource}`, hideCursor: true }, Presets.shades_classic);
  bar.start(1, 0, { resource: 'queued' });
  const done = await client.waitForJob(job.id, (j) => {
    const entries = Object.entries(j.progress);
    const fetched = entries.reduce((n, [, p]) => n + p.fetched, 0);
    const current = entries.find(([, p]) => !p.done)?.[0] ?? j.status;
    bar.setTotal(Math.max(fetched, 1));
    bar.update(fetched, { resource: current });
  });
  bar.stop();
  return done;
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  allowLoopbackFixtures();
  const env = loadEnv();
  const patients = Number(arg('patients', '5000'));
  const database = arg('database', 'opendental_sandbox_demo');
  const exit = process.argv.includes('--exit');

  out(`1. Building the OpenDental sandbox database "${database}" with ${patients.toLocaleString('en-US')} patients…`);
  const built = await buildOpenDentalSandbox({ mysqlUrl: env.sandboxMysqlUrl, database, patients });
  out(`   ${Object.entries(built.counts).map(([t, n]) => `${t} ${n}`).join(', ')} (${(built.durationMs / 1000).toFixed(1)} s)`);
  const reader = await ensureSandboxReader(env.sandboxMysqlUrl, database);

  out('2. Starting the API and worker (migrations run at start)…');
  const app = await createApp();
  await app.listen(env.port);
  const base = `http://127.0.0.1:${env.port}`;
  const client = new DemoClient(base, env.adminApiKey);

  const org = await client.call<{ id: string; apiKey: { key: string } }>('post', '/api/v1/organizations', { name: 'Demo Dental Group' });
  client.useKey(org.apiKey.key);
  const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'opendental-db', name: 'Sandbox office (OpenDental DB)', environment: 'sandbox',
    config: { host: reader.host, port: reader.port, database: reader.database, username: reader.username, timeZone: 'America/Chicago' },
    credentials: { password: reader.password },
  });
  const test = await client.call<{ ok: boolean; latencyMs: number; message: string }>('post', `/api/v1/integrations/${integration.id}/test`);
  out(`3. Organization ${org.id}, integration ${integration.id}: test ${test.ok ? 'ok' : 'FAILED'} in ${test.latencyMs} ms (${test.message})`);

  out('4. Full sync through the sync-jobs queue:');
  const full = await runSync(client, integration.id, 'full');
  summary('Full sync', full);

  out('\n5. Changing source rows in OpenDental (edits, new patients, Deleted patients, deleted appointments)…');
  const changes = await mutateOpenDentalSandbox({
    mysqlUrl: env.sandboxMysqlUrl, database, updatePatients: 25, addPatients: 10, deletePatients: 5, updateAppointments: 20, deleteAppointments: 5,
  });
  out(`   updated ${changes.updatedPatNums.length} patients, added ${changes.addedPatNums.length}, set ${changes.deletedPatNums.length} to Deleted; updated ${changes.updatedAptNums.length} appointments, deleted ${changes.deletedAptNums.length}`);
  // DateTStamp has one-second resolution; a read leaves the current second to the next run.
  await new Promise((r) => setTimeout(r, 1100));

  out('6. Incremental sync:');
  const incremental = await runSync(client, integration.id, 'incremental');
  summary('Incremental sync', incremental);

  await demoOpenDentalApi(app, client, base, env.sandboxMysqlUrl, database, (id, mode) => runSync(client, id, mode), summary);
  await demoNexHealth(app, client, base, 10, (id, mode) => runSync(client, id, mode), summary);
  await demoFhir(app, client, base, 12, (id, mode) => runSync(client, id, mode), summary);

  out(`\nSwagger UI: ${base}/docs   (JSON: ${base}/docs-json)`);
  out(`API key:    ${org.apiKey.key}`);
  out(`Try:        curl -H "Authorization: Bearer ${org.apiKey.key}" "${base}/api/v1/patients?limit=3"`);
  if (exit) {
    await app.close();
    return;
  }
  out('Serving; press Ctrl+C to stop.');
  const stop = () => app.close().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exit(1);
});
