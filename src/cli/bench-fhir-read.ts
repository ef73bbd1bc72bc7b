import 'reflect-metadata';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../bootstrap';
import { loadEnv } from '../config/env';
import { dataSourceOptions } from '../database/data-source';
import { ensureDatabase } from '../database/ensure-database';
import { BENCH_FAMILIES, benchApiKey, seedBenchPatients } from './bench-fhir-read/seed';

/* `npm run bench:fhir-read [-- --patients 1000000 --samples 200 --seed-only]`: seeds canonical
 * patients of one organization straight into Postgres (database ehr_sync_hub_bench_fhir, reused
 * when already seeded), boots the app and prints p50/p95/p99 of FHIR searches over HTTP: first
 * pages, deep cursor pages, birthdate= and family=, next to the raw limit measured in the same
 * run (the first page's SQL straight through pg, and the unauthenticated metadata route). */

const out = (line = '') => process.stdout.write(`${line}\n`);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

interface Figures { p50: number; p95: number; p99: number; n: number }

function figures(ms: number[]): Figures {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99), n: s.length };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ehr_sync_hub');
  url.pathname = `/${arg('database', 'ehr_sync_hub_bench_fhir')}`;
  process.env.DATABASE_URL = url.toString();
  const env = loadEnv();
  const total = Number(arg('patients', '1000000'));
  const samples = Number(arg('samples', '200'));

  await ensureDatabase(env.databaseUrl);
  const ds = await new DataSource(dataSourceOptions(env.databaseUrl)).initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  out(`Seeding up to ${total.toLocaleString('en-US')} patients in ${url.pathname.slice(1)}…`);
  const tenant = await seedBenchPatients(pg, total, out);
  if (process.argv.includes('--seed-only')) return void (await pg.end());
  const key = await benchApiKey(pg, tenant.organizationId);

  const app = await createApp({ logger: false });
  await app.listen(0);
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/fhir/R4`;
  const headers = { Authorization: `Bearer ${key}`, Accept: 'application/fhir+json' };
  const get = async (path: string): Promise<{ link?: Array<{ relation: string; url: string }>; entry?: unknown[] }> => {
    const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { headers });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    return (await res.json()) as { link?: Array<{ relation: string; url: string }> };
  };
  const nextOf = (b: { link?: Array<{ relation: string; url: string }> }) => b.link?.find((l) => l.relation === 'next')?.url;

  // Warm-up: caches, connections and the JIT, as a running server has them.
  for (let i = 0; i < 100; i++) await get('/Patient?_count=100');

  // Deep pages: walk to page 500 collecting the next links of pages 500+, then time first pages
  // and deep pages alternately (the same moment's load on both).
  const deepUrls: string[] = [];
  let next = nextOf(await get('/Patient?_count=100'));
  for (let page = 2; next && deepUrls.length < samples; page++) {
    if (page >= 500) deepUrls.push(next);
    next = nextOf(await get(next));
  }
  const first: number[] = [];
  const deep: number[] = [];
  for (let i = 0; i < samples; i++) {
    first.push(await timed(async () => void (await get('/Patient?_count=100'))));
    if (deepUrls[i]) deep.push(await timed(async () => void (await get(deepUrls[i]))));
  }

  const birth: number[] = [];
  for (let i = 0; i < samples; i++) {
    const day = new Date(Date.UTC(1940, 0, 1) + ((i * 7919) % 29200) * 86_400_000).toISOString().slice(0, 10);
    birth.push(await timed(async () => void (await get(`/Patient?birthdate=${day}&_count=100`))));
  }
  const birthRange: number[] = [];
  for (let i = 0; i < samples; i++) {
    const year = 1940 + (i % 80);
    birthRange.push(await timed(async () => void (await get(`/Patient?birthdate=ge${year}-03-01&birthdate=lt${year}-04-01&_count=100`))));
  }
  const familyBroad: number[] = [];
  const familyNarrow: number[] = [];
  for (let i = 0; i < samples; i++) {
    const family = BENCH_FAMILIES[i % BENCH_FAMILIES.length];
    familyBroad.push(await timed(async () => void (await get(`/Patient?family=${family}&_count=100`))));
    familyNarrow.push(await timed(async () => void (await get(`/Patient?family=${family}-${1 + (i % 996)}&_count=100`))));
  }

  // Raw limits in the same run: the first page's rows straight through pg, and an HTTP round trip without SQL.
  const rawSql: number[] = [];
  for (let i = 0; i < samples; i++) {
    rawSql.push(await timed(async () => {
      await pg.query(`SELECT id, integration_id, data, version, updated_at FROM records WHERE organization_id = $1 AND resource_type = 'patients'
        AND deleted_at IS NULL ORDER BY id LIMIT 101`, [tenant.organizationId]);
    }));
  }
  const metadata: number[] = [];
  for (let i = 0; i < samples; i++) metadata.push(await timed(async () => void (await fetch(`${base}/metadata`).then((r) => r.arrayBuffer()))));

  await app.close();
  await pg.end();
  const row = (name: string, f: Figures) =>
    out(`${name.padEnd(44)} p50 ${f.p50.toFixed(1).padStart(6)} ms  p95 ${f.p95.toFixed(1).padStart(6)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms  (n=${f.n})`);
  out(`\nResults: ${tenant.patients.toLocaleString('en-US')} patients of one organization, _count=100, sequential requests, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  row('GET /Patient?_count=100 (first page)', figures(first));
  row('deep cursor pages (page 500+)', figures(deep));
  row('birthdate=<day>', figures(birth));
  row('birthdate=ge…&birthdate=lt… (one month)', figures(birthRange));
  row('family=<name> (prefix, ~20,000 matches)', figures(familyBroad));
  row('family=<name-n> (prefix, ~20 matches)', figures(familyNarrow));
  row('raw: first page SQL straight through pg', figures(rawSql));
  row('raw: GET /metadata (HTTP, no SQL)', figures(metadata));
  out('target: p95 < 50 ms, deep pages as fast as the first');
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
