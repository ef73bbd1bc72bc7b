import { Client } from 'pg';
import { bootAppWith, createOrg, TestApp, waitForJob } from '../helpers/app';
import { startOwnRedis, OwnRedis } from '../helpers/redis-server';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_redis_loss');
const PATIENTS = 60;

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
