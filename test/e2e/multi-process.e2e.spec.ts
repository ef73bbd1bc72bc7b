import IORedis from 'ioredis';
import { Client } from 'pg';
import { SharedThrottle } from '../../src/providers/common/shared-throttle';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { bootAppWith, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildOffice } from '../helpers/opendental-api';
import { AppProcess, startAppProcess } from '../helpers/process';
import { OwnRedis, startOwnRedis } from '../helpers/redis-server';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const SHARED_OFFICE = specDatabase('od_spec_api_multi_shared');
const OWN_OFFICE = specDatabase('od_spec_api_multi_own');
const DB_OFFICE = specDatabase('od_spec_multi_db');
const SHARED_KEY = `multi-shared-${process.pid}`;
const OWN_KEY = `multi-own-${process.pid}`;
/** The sandbox's throttle of the OpenDental API (its default for a remote customer key): 1 request a second, start to start. */
const INTERVAL_MS = 1000;
/** 3 pages of 100 per patient list. */
const PATIENTS = 250;

interface Attempt { jobId: string; worker: string; startedAt: number; endedAt: number }

/**
 * Two worker processes and one API process on one Redis (a redis-server of the test's own):
 * this jest process is the API node (APP_ROLE=api) and serves the OpenDental API sandbox, so
 * the sandbox's request log (kept in memory by the process that serves it) is the log of every
 * request the workers sent; the workers are built copies of the app (`npx tsc -p
 * tsconfig.build.json` first) running one sync job at a time (SYNC_CONCURRENCY=1), so the two
 * jobs posted first, both on one customer key, run at the same time on the two processes.
 */
describe('two worker processes and an API process on one Redis', () => {
  let redis: OwnRedis;
  let api: TestApp;
  let baseUrl: string;
  let pg: Client;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    await Promise.all([buildOffice(SHARED_OFFICE, PATIENTS, 31), buildOffice(OWN_OFFICE, PATIENTS, 32)]);
    api = await bootAppWith({ APP_ROLE: 'api', REDIS_URL: redis.url });
    const server = api.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}${SANDBOX_API_PREFIX}`;
    const sandbox = api.app.get(OpenDentalApiSandbox);
    await sandbox.registerCustomer({ customerKey: SHARED_KEY, database: SHARED_OFFICE, minIntervalMs: INTERVAL_MS });
    await sandbox.registerCustomer({ customerKey: OWN_KEY, database: OWN_OFFICE, minIntervalMs: INTERVAL_MS });
    // The adapter spaces its claims of a slot INTERVAL + 15 ms apart in Redis, but the sandbox judges
    // arrivals, and between a claim and the arrival lie the worker's and this process's event loops.
    // On a machine shared by several test runs (load 10 on 2 cores) that delay swung by up to 200 ms
    // between two requests, so the adapter met 429s and widened its margin as designed. Start both
    // keys at the widest margin it learns (200 ms, after six 429s): a 429 here then means that the
    // processes did not share the throttle, not that the machine was busy.
    const throttleRedis = new IORedis(redis.url);
    const throttle = new SharedThrottle(throttleRedis, 'opendental-api:throttle');
    for (const key of [SHARED_KEY, OWN_KEY]) for (let i = 0; i < 6; i++) await throttle.pushBack(key, 0);
    await throttleRedis.quit();
    const workerEnv = { APP_ROLE: 'worker', REDIS_URL: redis.url, SYNC_CONCURRENCY: '1', LOG_LEVEL: 'warn' };
    workers.push(...await Promise.all([startAppProcess(workerEnv), startAppProcess(workerEnv)]));
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await pg?.end();
    await api?.close();
    await redis?.kill();
  });

  /** The attempt audit events of a job, paired start to end (throws if they do not alternate on one worker). */
  async function attemptsOf(jobId: string): Promise<Attempt[]> {
    const { rows } = await pg.query<{ action: string; worker: string; at: Date }>(
      `SELECT action, details->>'worker' AS worker, created_at AS at FROM audit_events
        WHERE target_id = $1 AND action IN ('sync_job.attempt_started', 'sync_job.attempt_ended') ORDER BY created_at, seq`, [jobId]);
    const attempts: Attempt[] = [];
    for (let i = 0; i < rows.length; i += 2) {
      const [start, end] = [rows[i], rows[i + 1]];
      // The next start only after the previous end, on the same worker: never two runs of one job at once.
      expect([start?.action, end?.action, end?.worker]).toEqual(['sync_job.attempt_started', 'sync_job.attempt_ended', start.worker]);
      attempts.push({ jobId, worker: start.worker, startedAt: start.at.getTime(), endedAt: end.at.getTime() });
    }
    return attempts;
  }

  /**
   * Asserts the key's requests were never refused and were judged at least the throttle's interval
   * apart by the sandbox's throttle (Redis clock, shared by whichever process serves the request); returns how many.
   */
  function assertPaced(customerKey: string): number {
    const log = api.app.get(OpenDentalApiSandbox).requests(customerKey);
    expect(log.filter((r) => r.throttled || r.status === 429)).toEqual([]);
    const checked = log.map((r) => r.throttleCheckedAt ?? NaN).sort((a, b) => a - b);
    const gaps = checked.slice(1).map((t, i) => t - checked[i]);
    expect(gaps.filter((gap) => !(gap >= INTERVAL_MS))).toEqual([]);
    return log.length;
  }

  it('sync four integrations at once: throttles hold across processes, no job runs twice at a time, every record stored once', async () => {
    const org = await createOrg(api, 'Two Workers Dental');
    const dbSandbox = await buildSandbox(DB_OFFICE, PATIENTS, 33);
    const odApi = (name: string, customerKey: string) => ({
      vendor: 'opendental-api', name, environment: 'sandbox', config: { baseUrl, timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey },
    });
    const bodies = [odApi('Shared key, clinic 1', SHARED_KEY), odApi('Shared key, clinic 2', SHARED_KEY), odApi('Own key', OWN_KEY), integrationBody(dbSandbox)];
    const integrations: string[] = [];
    for (const body of bodies) integrations.push((await api.http.post('/api/v1/integrations').set('Authorization', org.auth).send(body).expect(201)).body.id);

    const jobs: string[] = [];
    for (const integrationId of integrations) {
      jobs.push((await api.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients'] }).expect(202)).body.id);
    }
    const done = await Promise.all(jobs.map((id) => waitForJob(api, org.auth, id, 45_000)));

    for (const [i, job] of done.entries()) {
      expect([job.status, job.attempts]).toEqual(['succeeded', 1]);
      const { rows } = await pg.query<{ n: string; distinct_ids: string }>(
        `SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids FROM records WHERE integration_id = $1 AND resource_type = 'patients'`, [integrations[i]]);
      const p = job.progress.patients;
      expect(Number(rows[0].n)).toBeGreaterThan(PATIENTS * 0.9); // the office's patients, less the few it marks deleted
      expect([Number(rows[0].distinct_ids), p.stored, p.added]).toEqual([Number(rows[0].n), Number(rows[0].n), Number(rows[0].n)]);
    }

    // One run per job, on one of the two worker processes (never the API node).
    const attempts = (await Promise.all(jobs.map(attemptsOf))).flat();
    expect(attempts.map((a) => a.jobId)).toEqual(jobs);
    const pids = new Set(attempts.map((a) => Number(a.worker.split(':').pop())));
    expect([...pids].sort()).toEqual(workers.map((w) => w.child.pid).sort());
    // The two jobs on the shared customer key ran at the same time on different processes…
    const [first, second] = attempts;
    expect(first.worker).not.toBe(second.worker);
    expect(Math.max(first.startedAt, second.startedAt)).toBeLessThan(Math.min(first.endedAt, second.endedAt));
    // …and each process ran one job at a time (SYNC_CONCURRENCY=1).
    for (const worker of new Set(attempts.map((a) => a.worker))) {
      const mine = attempts.filter((a) => a.worker === worker).sort((a, b) => a.startedAt - b.startedAt);
      for (let i = 1; i < mine.length; i++) expect(mine[i].startedAt).toBeGreaterThanOrEqual(mine[i - 1].endedAt);
    }

    // The sandbox, served here, saw every request of both processes: no 429, spaced by the interval, shared key included.
    const shared = assertPaced(SHARED_KEY);
    const own = assertPaced(OWN_KEY);
    expect(shared).toBeGreaterThanOrEqual(2 * 3); // both integrations' pages, through one throttle
    expect(own).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
