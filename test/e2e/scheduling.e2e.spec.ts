import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HEALTH_CHECK_SCHEDULER_ID, QueueName, syncScheduleId } from '../../src/queue/queue.constants';
import { SCHEDULES_QUEUE } from '../../src/queue/queue.module';
import { IntegrationHealthService } from '../../src/modules/integrations/integration-health.service';
import { bootApp, createOrg, TestApp } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_schedule');
const EVERY_SECOND = '* * * * * *';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TickRow { tick_at: string; outcome: string; reason: string | null; sync_job_id: string | null; created_at: Date }

describe('cron schedules and scheduled health checks', () => {
  let t: TestApp;
  let org: { id: string; auth: string };
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  const db = () => t.app.get(DataSource);
  const queue = () => t.app.get<Queue>(SCHEDULES_QUEUE);
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);
  const patch = (path: string, body: object) => t.http.patch(path).set('Authorization', org.auth).send(body);

  beforeAll(async () => {
    process.env.HEALTH_CHECK_INTERVAL_SECONDS = '1';
    sandbox = await buildSandbox(DB, 20, 11);
    t = await bootApp();
    org = await createOrg(t, 'Schedule Dental');
  });

  afterAll(async () => {
    delete process.env.HEALTH_CHECK_INTERVAL_SECONDS;
    await t?.close();
  });

  async function newIntegration(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    return (await post('/api/v1/integrations', { ...integrationBody(sandbox), name, ...extra }).expect(201)).body.id;
  }

  /** Every recorded tick of an integration, oldest first. */
  async function ticks(integrationId: string, since = new Date(0)): Promise<TickRow[]> {
    return db().query(
      `SELECT details->>'tickAt' AS tick_at, details->>'outcome' AS outcome, details->>'reason' AS reason,
              details->>'syncJobId' AS sync_job_id, created_at
         FROM audit_events WHERE action = 'sync_schedule.tick' AND target_id = $1 AND created_at >= $2 ORDER BY created_at`,
      [integrationId, since],
    );
  }

  async function scheduledJobs(integrationId: string): Promise<Array<{ id: string; status: string; mode: string }>> {
    return db().query(`SELECT id, status, mode FROM sync_jobs WHERE integration_id = $1 AND trigger = 'schedule' ORDER BY created_at`, [integrationId]);
  }

  /** Polls `probe` every 100 ms; on timeout the error names what was awaited and, when given, what `seen` shows then. */
  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, seen?: () => Promise<unknown>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${seen ? `; last seen ${JSON.stringify(await seen())}` : ''}`);
      await sleep(100);
    }
  }

  /** Stops the schedule and waits until an in-flight tick has settled. */
  async function stopSchedule(id: string): Promise<void> {
    await patch(`/api/v1/integrations/${id}`, { syncSchedule: null }).expect(200);
    await sleep(1500);
  }

  it('a schedule of every second enqueues incremental syncs that succeed', async () => {
    const id = await newIntegration('every second', { syncSchedule: EVERY_SECOND });
    expect(await queue().getJobScheduler(syncScheduleId(id))).toMatchObject({ pattern: EVERY_SECOND, tz: 'UTC' });
    const done = await waitFor('two succeeded scheduled syncs', async () => {
      const jobs = await scheduledJobs(id);
      return jobs.filter((j) => j.status === 'succeeded').length >= 2 && jobs;
    });
    expect(done.every((j) => j.mode === 'incremental')).toBe(true);
    const res = await t.http.get(`/api/v1/sync/jobs/${done[0].id}`).set('Authorization', org.auth).expect(200);
    expect(res.body).toMatchObject({ trigger: 'schedule', mode: 'incremental', integrationId: id });
    await stopSchedule(id);
  });

  it('a tick while a sync is active is skipped and recorded, not a second job', async () => {
    const id = await newIntegration('busy');
    // An active job holds the integration (the partial unique index allows one).
    const [active] = await db().query(
      `INSERT INTO sync_jobs (organization_id, integration_id, mode, trigger, resources, status, started_at)
       VALUES ($1, $2, 'full', 'api', '{patients}', 'running', now()) RETURNING id`, [org.id, id],
    );
    const since = new Date();
    await patch(`/api/v1/integrations/${id}`, { syncSchedule: EVERY_SECOND }).expect(200);
    const skipped = await waitFor('three skipped ticks', async () => {
      const rows = await ticks(id, since);
      return rows.length >= 3 && rows;
    });
    expect(skipped.every((r) => r.outcome === 'skipped' && r.reason === 'SYNC_JOB_ALREADY_SYNCING')).toBe(true);
    expect(await scheduledJobs(id)).toHaveLength(0);
    // Once the active job is over, the next tick starts a sync.
    await db().query(`UPDATE sync_jobs SET status = 'succeeded', finished_at = now() WHERE id = $1`, [active.id]);
    await waitFor('a scheduled sync after the active one', async () => (await scheduledJobs(id)).length >= 1);
    await stopSchedule(id);
  });

  it('two app instances run each tick once', async () => {
    const second = await bootApp();
    try {
      const id = await newIntegration('two instances');
      const since = new Date();
      await patch(`/api/v1/integrations/${id}`, { syncSchedule: EVERY_SECOND }).expect(200);
      await sleep(6000);
      await stopSchedule(id);
      const rows = await ticks(id, since);
      const elapsedSeconds = (Date.now() - since.getTime()) / 1000;
      expect(rows.length).toBeGreaterThanOrEqual(4);
      // One row per planned second: no tick ran twice, and no more ticks than seconds passed.
      expect(new Set(rows.map((r) => r.tick_at)).size).toBe(rows.length);
      expect(rows.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
      const enqueued = rows.filter((r) => r.outcome === 'enqueued').map((r) => r.sync_job_id);
      expect((await scheduledJobs(id)).map((j) => j.id).sort()).toEqual([...enqueued].sort());
    } finally {
      await second.close();
    }
  });

  it('schedules survive a restart and are reconciled with the table at start-up', async () => {
    const kept = await newIntegration('kept', { syncSchedule: EVERY_SECOND });
    const lost = await newIntegration('lost from redis', { syncSchedule: EVERY_SECOND });
    const dropped = await newIntegration('unscheduled while down', { syncSchedule: EVERY_SECOND });
    await t.close();
    // While no app runs: Redis loses one scheduler, the table loses another schedule.
    const raw = new Queue(QueueName.SCHEDULES, { connection: { url: process.env.REDIS_URL } });
    await raw.removeJobScheduler(syncScheduleId(lost));
    await raw.close();
    const pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    await pg.query('UPDATE integrations SET sync_schedule = NULL WHERE id = $1', [dropped]);
    await pg.end();

    t = await bootApp();
    const since = new Date();
    expect(await queue().getJobScheduler(syncScheduleId(lost))).toMatchObject({ pattern: EVERY_SECOND });
    expect(await queue().getJobScheduler(syncScheduleId(dropped))).toBeUndefined();
    await waitFor('ticks of both schedules after the restart', async () =>
      (await ticks(kept, since)).length >= 2 && (await ticks(lost, since)).length >= 2);
    await sleep(1500);
    expect(await ticks(dropped, new Date(Date.now() - 1000))).toHaveLength(0);
    await stopSchedule(kept);
    await stopSchedule(lost);
  });

  it('removing the schedule or disabling the integration stops it; deleting removes it', async () => {
    const removed = await newIntegration('removed', { syncSchedule: EVERY_SECOND });
    const disabled = await newIntegration('disabled', { syncSchedule: EVERY_SECOND });
    const deleted = await newIntegration('deleted', { syncSchedule: EVERY_SECOND });
    await waitFor('first ticks', async () => (await ticks(removed)).length >= 1 && (await ticks(disabled)).length >= 1);

    await patch(`/api/v1/integrations/${removed}`, { syncSchedule: null }).expect(200);
    await post(`/api/v1/integrations/${disabled}/toggle`, { enabled: false }).expect(200);
    expect(await queue().getJobScheduler(syncScheduleId(removed))).toBeUndefined();
    expect(await queue().getJobScheduler(syncScheduleId(disabled))).toBeUndefined();
    await waitFor('the deleted integration to be idle', async () =>
      (await db().query(`SELECT 1 FROM sync_jobs WHERE integration_id = $1 AND status IN ('queued','running')`, [deleted])).length === 0
      && (await t.http.delete(`/api/v1/integrations/${deleted}`).set('Authorization', org.auth)).status === 204);
    expect(await queue().getJobScheduler(syncScheduleId(deleted))).toBeUndefined();

    await sleep(1500); // a tick already taken may still finish
    const settled = new Date();
    await sleep(2500);
    expect(await ticks(removed, settled)).toHaveLength(0);
    expect(await ticks(disabled, settled)).toHaveLength(0);

    // Enabling again brings the schedule back.
    await post(`/api/v1/integrations/${disabled}/toggle`, { enabled: true }).expect(200);
    const again = new Date();
    await waitFor('ticks after enabling', async () => (await ticks(disabled, again)).length >= 1);
    await stopSchedule(disabled);
  });

  it('reports stale once the last successful sync is older than the freshness SLA', async () => {
    await post('/api/v1/integrations', { ...integrationBody(sandbox), name: 'bad sla', freshnessSlaMinutes: 0 }).expect(400);
    const id = await newIntegration('fresh', { freshnessSlaMinutes: 5 });
    expect((await t.http.get(`/api/v1/integrations/${id}`).set('Authorization', org.auth).expect(200)).body.freshnessSlaMinutes).toBe(5);
    const job = (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full' }).expect(202)).body;
    await waitFor('the sync', async () => (await db().query(`SELECT 1 FROM sync_jobs WHERE id = $1 AND status = 'succeeded'`, [job.id])).length > 0);
    const health = async () => (await t.http.get('/api/v1/integrations/health/status').set('Authorization', org.auth).expect(200))
      .body.find((h: { integrationId: string }) => h.integrationId === id);
    expect((await health()).healthStatus).toBe('healthy');

    // Six minutes pass: GET reports stale at once; the health check scheduled every second here
    // stores it with the refresh it runs on each tick (called directly below: in a full run the
    // ticks share the worker with other suites' leftovers, so their timing is not the subject here).
    await db().query(`UPDATE integrations SET last_synced_at = now() - interval '6 minutes' WHERE id = $1`, [id]);
    expect(await health()).toMatchObject({ healthStatus: 'stale', freshnessSlaMinutes: 5 });
    expect(await queue().getJobScheduler(HEALTH_CHECK_SCHEDULER_ID)).toMatchObject({ every: 1000 });
    const stored = () => db().query(
      `SELECT health_status, last_error, last_tested_at, freshness_sla_minutes, last_synced_at FROM integrations WHERE id = $1`, [id]);
    const refresh = () => t.app.get(IntegrationHealthService).refreshStaleness();
    await refresh();
    expect((await t.http.get(`/api/v1/integrations/${id}`).set('Authorization', org.auth).expect(200)).body)
      .toMatchObject({ healthStatus: 'stale', lastError: 'No successful sync within the freshness SLA of 5 minutes' });

    // A wider SLA makes it fresh again at once, in the PATCH answer and in the stored row.
    expect((await patch(`/api/v1/integrations/${id}`, { freshnessSlaMinutes: 10 }).expect(200)).body.healthStatus).toBe('healthy');
    expect((await health()).healthStatus).toBe('healthy');
    // The same refresh stores stale by the clock alone, and healthy again once the data is fresh.
    await db().query(`UPDATE integrations SET last_synced_at = now() - interval '11 minutes' WHERE id = $1`, [id]);
    await refresh();
    expect((await stored())[0]).toMatchObject({ health_status: 'stale', last_error: 'No successful sync within the freshness SLA of 10 minutes' });
    await db().query(`UPDATE integrations SET last_synced_at = now() WHERE id = $1`, [id]);
    await refresh();
    expect((await stored())[0]).toMatchObject({ health_status: 'healthy', last_error: null });
    // Removing the SLA while stale clears it too.
    await db().query(`UPDATE integrations SET last_synced_at = now() - interval '11 minutes' WHERE id = $1`, [id]);
    await refresh();
    expect((await stored())[0].health_status).toBe('stale');
    expect((await patch(`/api/v1/integrations/${id}`, { freshnessSlaMinutes: null }).expect(200)).body.healthStatus).toBe('healthy');
  });
});
