import { Queue } from 'bullmq';
import { Client } from 'pg';
import { HEALTH_CHECK_SCHEDULER_ID, syncBullJobId } from '../../src/queue/queue.constants';
import { SCHEDULES_QUEUE, SYNC_QUEUE } from '../../src/queue/queue.module';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { bootAppWith, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildOffice } from '../helpers/opendental-api';
import { startOwnRedis, OwnRedis } from '../helpers/redis-server';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_redis_loss');
const PATIENTS = 60;
const RUNNING_DB = specDatabase('od_spec_api_redis_loss_running');
const RUNNING_PATIENTS = 200;
const CUSTOMER = `redis-loss-running-${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The patients stored for an integration, and how many distinct external ids they have. */
async function storedPatients(integrationId: string): Promise<{ n: number; distinct: number }> {
  const pg = new Client({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ n: string; distinct_ids: string }>(
      `SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids FROM records WHERE integration_id = $1 AND resource_type = 'patients'`, [integrationId],
    );
    return { n: Number(rows[0].n), distinct: Number(rows[0].distinct_ids) };
  } finally {
    await pg.end();
  }
}

describe('Redis losing its state: queued sync jobs are enqueued again from Postgres', () => {
  let redis: OwnRedis;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    sandbox = await buildSandbox(DB, PATIENTS, 13);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await redis?.kill();
  });

  it('a job queued before Redis restarts empty runs once a worker starts, and stores every record once', async () => {
    // An API-only node takes the request and enqueues; no worker runs yet.
    const api = await bootAppWith({ APP_ROLE: 'api', REDIS_URL: redis.url });
    apps.push(api);
    const org = await createOrg(api, 'Redis Loss Dental');
    const integrationId = (await api.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
    const job = (await api.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients'] }).expect(202)).body;
    expect(job.status).toBe('queued');

    await redis.kill();
    await redis.start(); // empty: the BullMQ job is gone, Postgres still says queued

    // A new sync of the same integration is refused while the lost job is "active" in Postgres…
    const blocked = await api.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients'] });
    expect(blocked.status).toBe(409);

    // …until a worker node starts: its reconciler finds the job missing from BullMQ and enqueues it again.
    const worker = await bootAppWith({ APP_ROLE: 'worker', REDIS_URL: redis.url });
    apps.push(worker);
    const done = await waitForJob(api, org.auth, job.id, 60_000);
    expect(done.status).toBe('succeeded');

    const pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ n: string; distinct_ids: string }>(
        `SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids FROM records WHERE integration_id = $1 AND resource_type = 'patients'`, [integrationId],
      );
      expect(Number(rows[0].n)).toBe(done.progress.patients.stored);
      expect(Number(rows[0].n)).toBe(Number(rows[0].distinct_ids));
      expect(Number(rows[0].n)).toBeGreaterThan(0);
    } finally {
      await pg.end();
    }
    // Nothing is left stuck: the integration syncs again.
    await api.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'incremental', resources: ['patients'] }).expect(202);
  });
});

describe('Redis losing its state while a sync job runs', () => {
  let redis: OwnRedis;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    await buildOffice(RUNNING_DB, RUNNING_PATIENTS, 17);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await redis?.kill();
  });

  it('the running job finishes once: the reconciler enqueues it again, the copy waits for the lease, nothing is stored twice or left stuck', async () => {
    // The API node serves the OpenDental API sandbox; its pages are slowed so the job is mid-run when Redis dies.
    const api = await bootAppWith({ APP_ROLE: 'api', REDIS_URL: redis.url });
    apps.push(api);
    const server = api.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const sandbox = api.app.get(OpenDentalApiSandbox);
    await sandbox.registerCustomer({ customerKey: CUSTOMER, database: RUNNING_DB, mode: 'local', minIntervalMs: 0 });
    sandbox.injectFaults(CUSTOMER, { delayMs: 600, count: 10, pathIncludes: '/patients' }); // every page: about 6 s in all
    const worker = await bootAppWith({ APP_ROLE: 'worker', REDIS_URL: redis.url, SYNC_BATCH_SIZE: '20' });
    apps.push(worker);

    const org = await createOrg(api, 'Redis Loss Running Dental');
    const integrationId = (await api.http.post('/api/v1/integrations').set('Authorization', org.auth).send({
      vendor: 'opendental-api', name: 'Slow office', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}${SANDBOX_API_PREFIX}`, apiMode: 'local', pageSize: 20, timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
    }).expect(201)).body.id;
    const job = (await api.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients'] }).expect(202)).body;

    // Mid-run: a batch is committed, the rest is still to read.
    for (let i = 0; ; i++) {
      const res = await api.http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(200);
      if (res.body.status === 'running' && res.body.progress.patients?.fetched >= 20) break;
      if (i > 300) throw new Error(`job never got going: ${JSON.stringify(res.body)}`);
      await sleep(50);
    }
    await redis.kill();
    await redis.start(); // empty: BullMQ's job and its lock are gone; the worker's run goes on

    const done = await waitForJob(api, org.auth, job.id, 60_000);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1); // one run in all: the re-enqueued copy never started a second one

    // The reconciler put the job back into the empty Redis; that copy waited for the lease and then completed without running.
    const queue = worker.app.get<Queue>(SYNC_QUEUE);
    let state = 'missing';
    for (let i = 0; i < 100 && state !== 'completed'; i++) {
      const bull = await queue.getJob(syncBullJobId(job.id));
      state = bull ? await bull.getState() : 'missing';
      if (state !== 'completed') await sleep(100);
    }
    expect(state).toBe('completed');
    // The schedulers were in the lost Redis too: the worker wrote them back (the health check would otherwise never run again).
    expect(await worker.app.get<Queue>(SCHEDULES_QUEUE).getJobScheduler(HEALTH_CHECK_SCHEDULER_ID)).toBeTruthy();

    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ action: string; n: string }>(
        `SELECT action, count(*) AS n FROM audit_events WHERE target_id = $1 AND action LIKE 'sync_job.attempt_%' GROUP BY action`, [job.id]);
      expect(Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]))).toEqual({ 'sync_job.attempt_started': 1, 'sync_job.attempt_ended': 1 });
    } finally {
      await db.end();
    }

    const stored = await storedPatients(integrationId);
    const p = done.progress.patients;
    expect(stored.n).toBeGreaterThan(RUNNING_PATIENTS * 0.9); // the office's patients, less the few it marks deleted
    expect(stored.distinct).toBe(stored.n);
    expect(p.stored).toBe(stored.n);
    expect(p.added).toBe(stored.n); // each patient written once
    expect(p.added + p.updated + p.unchanged + p.skipped + p.failed).toBe(p.fetched); // and each source row counted once

    // Nothing is left stuck: a new sync of the integration is accepted and runs on the new Redis.
    const next = (await api.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'incremental', resources: ['patients'] }).expect(202)).body;
    expect((await waitForJob(api, org.auth, next.id, 30_000)).status).toBe('succeeded');
  }, 90_000);
});
