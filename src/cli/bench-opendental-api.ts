import 'reflect-metadata';
import { allowLoopbackFixtures } from './loopback-fixtures';
import { randomUUID } from 'node:crypto';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY, SandboxRequestEntry } from '../sandbox/opendental-api';
import { buildOpenDentalSandbox } from '../sandbox/opendental-db';
import { DemoClient, JobView } from './demo-client';

/* `npm run bench:opendental-api [-- --patients 5000 --database od_bench_api]`: a full sync of
 * `patients` through the simulated OpenDental REST API with its real throttle (1 request/s per
 * customer key, answering 429 when exceeded), in one process (API, worker and sandbox). Reports
 * the request rate the adapter achieved, the 429s it received (target 0) and the ratio to the
 * throttle's ceiling (target ≥ 0.98), from the sandbox's own request log. Then, on an unthrottled
 * key of the same office (the office's Local API: request counts do not depend on pacing), the
 * requests of a full sync of every resource against an unchanged incremental (target: under 2 %).
 * Prints figures; asserts nothing. */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

/** The sandbox's default interval for a read-write remote key (§1.4: 1 request per second). */
const THROTTLE_INTERVAL_MS = 1000;

function gaps(entries: SandboxRequestEntry[]): number[] {
  return entries.slice(1).map((e, i) => e.at - entries[i].at);
}

/** Requests of a full sync of every resource and of the unchanged incremental after it, on a key without throttle. */
async function requestCounts(client: DemoClient, sandbox: OpenDentalApiSandbox, baseUrl: string, database: string) {
  const customerKey = `bench-local-${randomUUID()}`;
  await sandbox.registerCustomer({ customerKey, database, mode: 'local', minIntervalMs: 0 });
  const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'opendental-api', name: 'bench (request counts)', environment: 'sandbox',
    config: { baseUrl: `${baseUrl}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC', requireBirthdate: false },
    credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey },
  });
  const run = async (mode: 'full' | 'incremental') => {
    sandbox.clearRequests(customerKey);
    const created = await client.call<JobView>('post', '/api/v1/sync/jobs', { integrationId: integration.id, mode });
    const job = await client.waitForJob(created.id, () => undefined);
    return { job, log: sandbox.requests(customerKey) };
  };
  const full = await run('full');
  await new Promise((r) => setTimeout(r, 1100)); // DateTStamp is per second: the incremental starts after the full sync's second
  const incremental = await run('incremental');
  await sandbox.unregisterCustomer(customerKey);
  const paths = new Map<string, number>();
  for (const e of incremental.log) {
    const path = e.path.replace(/\/\d+$/, '/{id}');
    paths.set(path, (paths.get(path) ?? 0) + 1);
  }
  return {
    full: full.log.length, fullJob: full.job, incremental: incremental.log.length, incrementalJob: incremental.job,
    byPath: [...paths].map(([path, n]) => `${path.replace(/^.*\/api\/v1/, '')} ${n}`).join(', '),
  };
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  allowLoopbackFixtures();
  const env = loadEnv();
  const patients = Number(arg('patients', '5000'));
  const database = arg('database', 'od_bench_api');
  out(`Building the sandbox office: ${patients.toLocaleString('en-US')} patients…`);
  const built = await buildOpenDentalSandbox({ mysqlUrl: env.sandboxMysqlUrl, database, patients });
  out(`  built in ${(built.durationMs / 1000).toFixed(1)} s`);

  const app = await createApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  const sandbox = app.get(OpenDentalApiSandbox);
  const customerKey = `bench-${randomUUID()}`;
  // The remote API's rules: 1 request/s per customer key (429 with Retry-After beyond), Limit ≤ 100.
  await sandbox.registerCustomer({ customerKey, database });

  const client = new DemoClient(baseUrl, env.adminApiKey);
  const org = await client.call<{ apiKey: { key: string } }>('post', '/api/v1/organizations', { name: 'Bench OpenDental API' });
  client.useKey(org.apiKey.key);
  const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'opendental-api', name: 'bench (OpenDental API sandbox)', environment: 'sandbox',
    config: { baseUrl: `${baseUrl}${SANDBOX_API_PREFIX}`, timeZone: 'UTC', requireBirthdate: false },
    credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey },
  });

  sandbox.clearRequests(customerKey); // count the sync's requests only
  const created = await client.call<JobView>('post', '/api/v1/sync/jobs', { integrationId: integration.id, mode: 'full', resources: ['patients'] });
  let nextMark = 1000;
  const job = await client.waitForJob(created.id, (j) => {
    const fetched = j.progress.patients?.fetched ?? 0;
    if (fetched >= nextMark) out(`  ${fetched.toLocaleString('en-US')} rows…`);
    while (fetched >= nextMark) nextMark += 1000;
  });
  const log = sandbox.requests(customerKey);
  await sandbox.unregisterCustomer(customerKey);
  const counts = await requestCounts(client, sandbox, baseUrl, database);
  await app.close();

  const answered = log.filter((e) => !e.throttled);
  const throttled = log.filter((e) => e.throttled || e.status === 429).length;
  const ok = log.filter((e) => e.status !== null && e.status >= 200 && e.status < 300).length;
  const other = log.length - ok - throttled;
  const windowMs = log.length > 1 ? log[log.length - 1].at - log[0].at : 0;
  // Start to start, as the throttle counts: n requests span n − 1 intervals.
  const rate = windowMs > 0 ? (log.length - 1) / (windowMs / 1000) : 0;
  const ceiling = 1000 / THROTTLE_INTERVAL_MS;
  const durationS = (job.durationMs ?? 0) / 1000;
  const between = gaps(answered);
  const p = job.progress.patients;

  out(`\nResults (${patients.toLocaleString('en-US')} patients, throttle 1 request per ${THROTTLE_INTERVAL_MS} ms, page 100, node ${process.version})`);
  out(`job status                 ${job.status}${job.errorCode ? ` (${job.errorCode})` : ''}`);
  out(`rows fetched / stored      ${p?.fetched ?? 0} / ${p?.stored ?? 0} (skipped ${p?.skipped ?? 0}, failed ${p?.failed ?? 0})`);
  out(`sync duration              ${durationS.toFixed(1)} s (job), requests span ${(windowMs / 1000).toFixed(1)} s`);
  out(`requests                   ${log.length} (2xx ${ok}, 429 ${throttled}, other ${other})`);
  out(`requests per second        ${rate.toFixed(3)} start to start; ${(log.length / durationS).toFixed(3)} over the job's duration`);
  out(`429s received              ${throttled}   (target 0)`);
  out(`ratio to throttle ceiling  ${(rate / ceiling).toFixed(3)}   (target ≥ 0.98)`);
  const refusals = log.map((e, i) => ({ e, i })).filter(({ e }) => e.throttled || e.status === 429)
    .map(({ e, i }) => `#${i + 1}${i > 0 ? ` (${e.at - log[i - 1].at} ms after the previous)` : ''}`);
  if (refusals.length) out(`429s at requests           ${refusals.join(', ')}`);
  if (between.length) out(`gap between requests       min ${Math.min(...between)} ms, mean ${(between.reduce((a, b) => a + b, 0) / between.length).toFixed(0)} ms, max ${Math.max(...between)} ms`);
  out(`rows per second            ${durationS > 0 ? Math.round((p?.fetched ?? 0) / durationS) : 0}`);
  out(`\nRequests per run, every resource (unthrottled key of the same office)`);
  out(`full sync                  ${counts.full} requests (${counts.fullJob.status})`);
  out(`unchanged incremental      ${counts.incremental} requests (${counts.incrementalJob.status}), ${(100 * counts.incremental / Math.max(1, counts.full)).toFixed(2)} % of the full sync's   (target < 2 %)`);
  out(`  by path                  ${counts.byPath}`);
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
