import { Client } from 'pg';
import { bootAppWith, createOrg, TestApp } from '../helpers/app';
import { OwnPostgres, startOwnPostgres } from '../helpers/own-postgres';
import { OwnRedis, startOwnRedis } from '../helpers/redis-server';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

/**
 * PostgreSQL going away in the middle of a sync (a throwaway cluster this spec creates with
 * initdb and pg_ctl on a free port, stopped with `-m immediate` as in a crash, then started
 * again): the batch in flight rolls back, the job is retried from its last committed checkpoint,
 * and it ends with every record stored once and nothing left queued or running.
 */
const DB = specDatabase('od_spec_pg_restart');
const PATIENTS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL restarted mid-sync', () => {
  let pg: OwnPostgres;
  let redis: OwnRedis;
  let app: TestApp;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;

  beforeAll(async () => {
    [pg, redis, sandbox] = await Promise.all([startOwnPostgres(), startOwnRedis(), buildSandbox(DB, PATIENTS, 17)]);
    app = await bootAppWith({ DATABASE_URL: pg.url, REDIS_URL: redis.url, SYNC_BATCH_SIZE: '100', APP_ROLE: 'all' });
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await redis?.kill();
    pg?.destroy();
  });

  /** The job as the API shows it; null while the API cannot answer (Postgres is down). */
  const jobOf = async (auth: string, id: string) => {
    const res = await app.http.get(`/api/v1/sync/jobs/${id}`).set('Authorization', auth).catch(() => null);
    return res?.status === 200 ? res.body : null;
  };

  it('the job resumes after the restart and stores every patient exactly once', async () => {
    const org = await createOrg(app, 'Restart Dental');
    const create = async (name: string) => (await app.http.post('/api/v1/integrations').set('Authorization', org.auth)
      .send({ ...integrationBody(sandbox), name }).expect(201)).body.id as string;
    const integrationId = await create('Crashing store');
    const job = (await app.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients'] }).expect(202)).body;

    for (let i = 0; ; i++) {
      const seen = await jobOf(org.auth, job.id);
      if ((seen?.progress?.patients?.fetched ?? 0) >= 500) break;
      if (i > 600) throw new Error('the sync never got going');
      await sleep(20);
    }
    pg.stop();
    await sleep(3000);
    await pg.start();

    let done: Record<string, any> | null = null;
    for (let i = 0; i < 900 && !(done && !['queued', 'running'].includes(done.status)); i++) {
      await sleep(200);
      done = await jobOf(org.auth, job.id);
    }
    expect(done?.status).toBe('succeeded');
    expect(done!.attempts).toBeGreaterThan(1); // it really was interrupted and retried

    // A clean sync of the same office into a second integration is the reference.
    const referenceId = await create('Reference');
    const reference = (await app.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId: referenceId, mode: 'full', resources: ['patients'] }).expect(202)).body;
    let clean: Record<string, any> | null = null;
    for (let i = 0; i < 600 && !(clean && !['queued', 'running'].includes(clean.status)); i++) {
      await sleep(100);
      clean = await jobOf(org.auth, reference.id);
    }
    expect(clean?.status).toBe('succeeded');

    const db = new Client({ connectionString: pg.url });
    await db.connect();
    try {
      const ids = async (id: string) => (await db.query<{ external_id: string }>(
        `SELECT external_id FROM records WHERE integration_id = $1 AND resource_type = 'patients' AND deleted_at IS NULL ORDER BY external_id`, [id])).rows.map((r) => r.external_id);
      const [crashed, expected] = [await ids(integrationId), await ids(referenceId)];
      expect(crashed.length).toBeGreaterThan(PATIENTS * 0.8);
      expect(crashed).toEqual(expected);
      const dup = await db.query(`SELECT external_id FROM records WHERE integration_id = $1 GROUP BY resource_type, external_id HAVING count(*) > 1`, [integrationId]);
      expect(dup.rows).toEqual([]);
      const stuck = await db.query(`SELECT id FROM sync_jobs WHERE status IN ('queued', 'running')`);
      expect(stuck.rows).toEqual([]);
    } finally {
      await db.end();
    }
    // And the integration syncs again.
    await app.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'incremental', resources: ['patients'] }).expect(202);
  });
});
