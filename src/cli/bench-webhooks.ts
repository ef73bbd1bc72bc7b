import 'reflect-metadata';
import { allowLoopbackFixtures } from './loopback-fixtures';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DataSource } from 'typeorm';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { WEBHOOK_QUEUE } from '../queue/queue.module';
import { SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../sandbox/opendental-api';
import { Baseline, startBaseline } from './bench-webhooks/baseline-server';
import { eventBody, signedDelivery, standardWebhooksKeyOf } from './bench-webhooks/delivery';
import { acceptedPerSecond, LoadResult, runLoad } from './bench-webhooks/load';
import { DemoClient } from './demo-client';

/* `npm run bench:webhooks [-- --duration 10 --connections 10 --warmup 2 --redis-db 15]`: the inbound
 * webhook path under load. The real app (APP_ROLE=api: it verifies, stores and enqueues; no worker
 * processes during the bench) receives Standard Webhooks deliveries from autocannon, each with a
 * new id and a fresh signature; then a bare Node `http` server in this process does the same
 * verification and one INSERT per delivery. Prints accepted deliveries/s, p50/p99 and non-2xx of
 * both, the ratio (target ≥ 0.5) and the product's p99 (target < 50 ms). Asserts nothing. */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

/**
 * CPU time of this process's main thread (where both servers run; autocannon has its own thread),
 * in ms, from /proc (Linux, 100 ticks/s); null elsewhere.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, fields 14 and 15
  } catch {
    return null;
  }
}

/** Sends one delivery (or a tampered copy) with fetch and returns the status: proves the server really verifies and deduplicates. */
async function probe(url: string, secret: string): Promise<{ fresh: number; replay: number; tampered: number }> {
  const delivery = signedDelivery(standardWebhooksKeyOf(secret), 0);
  const send = (body: Buffer) => fetch(url, { method: 'POST', headers: delivery.headers, body }).then((r) => r.status);
  const fresh = await send(delivery.body);
  const replay = await send(delivery.body);
  const tampered = await send(Buffer.concat([delivery.body, Buffer.from(' ')]));
  return { fresh, replay, tampered };
}

function checkProbe(name: string, p: { fresh: number; replay: number; tampered: number }): void {
  if (p.fresh !== 202 || p.replay !== 200 || p.tampered !== 401) {
    throw new Error(`${name} probe: new ${p.fresh}, replay ${p.replay}, tampered ${p.tampered} (expected 202, 200, 401)`);
  }
}

async function measure(name: string, url: string, secret: string, connections: number, duration: number, warmup: number, count: () => Promise<number>) {
  checkProbe(name, await probe(url, secret));
  if (warmup > 0) await runLoad({ url, secret, connections, durationSeconds: warmup });
  const before = await count();
  out(`  ${name}: ${duration} s at ${connections} connections…`);
  const cpuBefore = mainThreadCpuMs();
  const result = await runLoad({ url, secret, connections, durationSeconds: duration });
  const cpuAfter = mainThreadCpuMs();
  const stored = (await count()) - before;
  const cpuMsPerDelivery = cpuBefore !== null && cpuAfter !== null && result.ok > 0 ? (cpuAfter - cpuBefore) / result.ok : null;
  return { result, stored, cpuMsPerDelivery };
}

/** Removes the bench's jobs from the webhook queue (job id `webhook-<row id>`, see webhook-queue.ts). */
async function removeJobs(queue: Queue, rowIds: string[]): Promise<void> {
  for (let i = 0; i < rowIds.length; i += 500) {
    await Promise.all(rowIds.slice(i, i + 500).map((id) => queue.remove(`webhook-${id}`)));
  }
}

async function main(): Promise<void> {
  const duration = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '10'));
  const warmup = Number(arg('warmup', '2'));
  const redisDb = Number(arg('redis-db', '15'));
  if (!(duration > 0) || !(connections >= 1) || !(warmup >= 0) || !Number.isInteger(redisDb)) throw new Error('--duration, --connections, --warmup and --redis-db must be positive numbers');
  process.env.LOG_LEVEL ??= 'warn';
  // API role: the receiver verifies, stores and enqueues; no webhook worker runs in this process.
  process.env.APP_ROLE = 'api';
  // A Redis database of its own, so no other process's worker takes the bench's jobs mid-run.
  allowLoopbackFixtures();
  const redis = new URL(process.env.REDIS_URL || loadEnv().redisUrl);
  redis.pathname = `/${redisDb}`;
  process.env.REDIS_URL = redis.toString();
  const env = loadEnv();

  const app = await createApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataSource = app.get(DataSource);
  const queue = app.get<Queue>(WEBHOOK_QUEUE);
  let orgId: string | null = null;
  let baseline: Baseline | null = null;
  try {
    const client = new DemoClient(baseUrl, env.adminApiKey);
    const org = await client.call<{ id: string; apiKey: { key: string } }>('post', '/api/v1/organizations', { name: 'Bench Webhooks' });
    orgId = org.id;
    client.useKey(org.apiKey.key);
    const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
      vendor: 'opendental-api', name: 'bench webhooks (OpenDental API sandbox)', environment: 'sandbox',
      config: { baseUrl: `${baseUrl}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: `bench-${randomUUID()}` },
    });
    const endpoint = await client.call<{ id: string; secret: string }>('post', '/api/v1/sync/webhooks', {
      integrationId: integration.id, events: ['patients', 'appointments'], signatureAlgorithm: 'standard-webhooks',
    });
    const productUrl = `${baseUrl}/api/v1/webhooks/${integration.id}`;
    const productCount = async () => Number((await dataSource.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE integration_id = $1', [integration.id]))[0].n);

    out(`Webhook bench: Standard Webhooks, body ${eventBody(0).length} B JSON, ${connections} connections, ${duration} s (+${warmup} s warm-up) each, node ${process.version}, ${availableParallelism()} CPUs`);
    out('  app: APP_ROLE=api (verify, store encrypted, enqueue; the webhook worker is OFF, nothing is processed during the bench)');
    out(`  load: autocannon in a worker thread; every request a new webhook-id, timestamp and signature; Redis db ${redisDb}`);
    const product = await measure('product', productUrl, endpoint.secret, connections, duration, warmup, productCount);

    baseline = await startBaseline({ databaseUrl: env.databaseUrl, secret: endpoint.secret });
    const bare = await measure('baseline', baseline.url, endpoint.secret, connections, duration, warmup, baseline.count);

    report(product, bare);
  } finally {
    await baseline?.close();
    // Jobs first (their ids come from the delivery rows), then the rows.
    if (orgId) {
      const rows = await dataSource.query('SELECT id FROM webhook_deliveries WHERE organization_id = $1', [orgId]) as Array<{ id: string }>;
      await removeJobs(queue, rows.map((r) => r.id));
    }
    // The organization's integration, webhook configuration and deliveries go with it (cascade).
    if (orgId) await dataSource.query('DELETE FROM organizations WHERE id = $1', [orgId]);
    await app.close();
  }
  process.exit(0);
}

type Measured = { result: LoadResult; stored: number; cpuMsPerDelivery: number | null };

function report(product: Measured, bare: Measured): void {
  const rps = (m: Measured) => acceptedPerSecond(m.result);
  const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)}`;
  const codes = (m: Measured) => Object.entries(m.result.statusCodes).map(([c, n]) => `${c}:${n}`).join(' ');
  const row = (name: string, m: Measured) => out(
    `${name.padEnd(10)} ${rps(m).toFixed(0).padStart(9)} ${ms(m.result.latencyMs.p50).padStart(8)} ${ms(m.result.latencyMs.p99).padStart(8)} ${String(m.result.non2xx).padStart(8)} ${String(m.result.errors).padStart(7)} ${String(m.result.ok).padStart(8)} ${String(m.stored).padStart(8)} ${(m.cpuMsPerDelivery?.toFixed(2) ?? 'n/a').padStart(9)}   ${codes(m)}`,
  );
  out('\nResults (accepted deliveries/s = 2xx / duration; latency ms from autocannon, 2xx only)');
  out(`${''.padEnd(10)} ${'rps'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)} ${'2xx'.padStart(8)} ${'stored'.padStart(8)} ${'cpu ms/d'.padStart(9)}   status codes`);
  row('product', product);
  row('baseline', bare);
  const ratio = rps(bare) > 0 ? rps(product) / rps(bare) : 0;
  const p99 = product.result.latencyMs.p99;
  const failures = product.result.non2xx + product.result.errors + bare.result.non2xx + bare.result.errors;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  out('');
  out(`ratio product/baseline   ${ratio.toFixed(2)}   (target ≥ 0.5)   ${verdict(ratio >= 0.5)}`);
  out(`product p99              ${ms(p99)} ms   (target < 50 ms)   ${verdict(p99 < 50)}`);
  out(`non-2xx + errors         ${failures}   (target 0)   ${verdict(failures === 0)}`);
  out('cpu ms/d = main-thread (server) CPU per accepted delivery; the load generator runs on another thread.');
  out('stored = rows added during the measured run (requests still in flight when autocannon stops may be stored and not counted as 2xx).');
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
