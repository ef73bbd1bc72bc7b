import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ScheduleTickJobData, syncScheduleId } from '../../src/queue/queue.constants';
import { SCHEDULES_QUEUE } from '../../src/queue/queue.module';
import { bootApp, createOrg, TestApp } from '../helpers/app';
import { AppProcess, startAppProcess } from '../helpers/process';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A cron schedule across processes: this process is an API node (APP_ROLE=api, no workers);
 * two built copies of the app run as worker nodes (`npm run build` first). Each tick runs once.
 */
describe('cron schedule across two worker processes', () => {
  let t: TestApp;
  let workers: AppProcess[] = [];

  beforeAll(async () => {
    process.env.APP_ROLE = 'api';
    t = await bootApp();
    workers = await Promise.all([1, 2].map(() => startAppProcess({ APP_ROLE: 'worker', LOG_LEVEL: 'warn' })));
  });

  afterAll(async () => {
    delete process.env.APP_ROLE;
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await t?.close();
  });

  it('fires once per tick, and only worker processes run the ticks', async () => {
    const sandbox = await buildSandbox(specDatabase('od_spec_schedule_procs'), 10, 5);
    const org = await createOrg(t, 'Two Workers Dental');
    const id = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth)
      .send({ ...integrationBody(sandbox), name: 'two workers', syncSchedule: '* * * * * *' }).expect(201)).body.id;
    const started = Date.now();
    await sleep(8000);
    await t.http.patch(`/api/v1/integrations/${id}`).set('Authorization', org.auth).send({ syncSchedule: null }).expect(200);
    await sleep(2000); // let a tick already taken finish

    const db = t.app.get(DataSource);
    const rows: Array<{ tick_at: string; outcome: string; sync_job_id: string | null }> = await db.query(
      `SELECT details->>'tickAt' AS tick_at, details->>'outcome' AS outcome, details->>'syncJobId' AS sync_job_id
         FROM audit_events WHERE action = 'sync_schedule.tick' AND target_id = $1`, [id],
    );
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
    expect(new Set(rows.map((r) => r.tick_at)).size).toBe(rows.length);
    const jobs: Array<{ id: string; status: string }> = await db.query(`SELECT id, status FROM sync_jobs WHERE integration_id = $1 AND trigger = 'schedule'`, [id]);
    expect(jobs.map((j) => j.id).sort()).toEqual(rows.filter((r) => r.outcome === 'enqueued').map((r) => r.sync_job_id).sort());
    expect(jobs.filter((j) => j.status === 'succeeded').length).toBeGreaterThanOrEqual(1);

    // Every tick job was taken by one of the worker processes, never by the API node.
    const completed = (await t.app.get<Queue>(SCHEDULES_QUEUE).getJobs(['completed'], 0, -1)) as Job<ScheduleTickJobData>[];
    const ours = completed.filter((j) => j.data.integrationId === id && j.id?.startsWith(`repeat:${syncScheduleId(id)}:`));
    expect(ours).toHaveLength(rows.length);
    const pids = new Set(ours.map((j) => Number(j.processedBy?.split(':').pop())));
    for (const pid of pids) expect(workers.map((w) => w.child.pid)).toContain(pid);
    expect(pids.has(process.pid)).toBe(false);
  });
});
