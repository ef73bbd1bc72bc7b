import { Client } from 'pg';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { AppProcess, startAppProcess } from '../helpers/process';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_crash');
const PATIENTS = 50_000;

/**
 * Kill -9 of the worker in the middle of a 50k-patient full sync, then a new worker: BullMQ
 * hands the stalled job over, the runner resumes after the last committed batch, and the
 * result equals an uninterrupted run of the same source with no patient duplicated.
 */
// Two 50,000-patient syncs across child processes: about 50 s on a quiet 2-core machine, but
// several minutes when the machine is shared; the limit guards against a hang, not a speed target.
jest.setTimeout(360_000);

describe('a worker killed during a full sync', () => {
  let t: TestApp;
  let org: { auth: string };
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  let pg: Client;
  const workers: AppProcess[] = [];
  const workerEnv = { APP_ROLE: 'worker', SYNC_LOCK_DURATION_MS: '3000', SYNC_BATCH_SIZE: '1000', LOG_LEVEL: 'warn' };

  beforeAll(async () => {
    process.env.APP_ROLE = 'api'; // this process only serves the API; child processes do the work
    sandbox = await buildSandbox(DB, PATIENTS, 21);
    t = await bootApp();
    org = await createOrg(t, 'Crash Test Dental');
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await pg?.end();
    await t?.close();
    delete process.env.APP_ROLE;
  });

  /** Polls the job until at least `rows` patients are committed. */
  async function waitForFetched(jobId: string, rows: number): Promise<void> {
    for (let i = 0; ; i++) {
      const res = await t.http.get(`/api/v1/sync/jobs/${jobId}`).set('Authorization', org.auth).expect(200);
      if ((res.body.progress.patients?.fetched ?? 0) >= rows) return;
      if (i > 600) throw new Error('sync did not progress');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function snapshot(integrationId: string): Promise<Map<string, string>> {
    const res = await pg.query<{ external_id: string; content_hash: string }>(
      "SELECT external_id, content_hash FROM records WHERE integration_id = $1 AND resource_type = 'patients'", [integrationId]);
    return new Map(res.rows.map((r) => [r.external_id, r.content_hash]));
  }

  it('resumes on another worker and ends equal to a clean run, without duplicates', async () => {
    const crashed = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
    const clean = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send({ ...integrationBody(sandbox), name: 'clean run' }).expect(201)).body.id;

    workers.push(await startAppProcess(workerEnv));
    const job = (await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth)
      .send({ integrationId: crashed, mode: 'full', resources: ['patients'] }).expect(202)).body;

    // Wait until some batches are committed, then kill the worker without warning.
    await waitForFetched(job.id, 5_000);
    workers[0].child.kill('SIGKILL');
    await workers[0].exited;
    const midway = await t.http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(200);
    expect(midway.body.status).toBe('running');
    expect(midway.body.progress.patients.fetched).toBeLessThan(PATIENTS);

    workers.push(await startAppProcess(workerEnv));
    const finished = await waitForJob(t, org.auth, job.id, 120_000);
    expect(finished.status).toBe('succeeded');
    expect(finished.progress.patients.fetched).toBe(PATIENTS);

    const cleanJob = (await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth)
      .send({ integrationId: clean, mode: 'full', resources: ['patients'] }).expect(202)).body;
    const cleanDone = await waitForJob(t, org.auth, cleanJob.id, 120_000);
    expect({ status: cleanDone.status, errorCode: cleanDone.errorCode, errorMessage: cleanDone.errorMessage }).toMatchObject({ status: 'succeeded' });

    const [a, b] = [await snapshot(crashed), await snapshot(clean)];
    expect(a.size).toBe(b.size);
    expect(a.size).toBe(finished.progress.patients.stored);
    for (const [externalId, hash] of b) expect(a.get(externalId)).toBe(hash);
    const dupes = await pg.query(
      `SELECT external_id FROM records WHERE integration_id = $1 AND resource_type = 'patients' GROUP BY external_id HAVING count(*) > 1`, [crashed]);
    expect(dupes.rowCount).toBe(0);
    // Counters add up across the two workers: every source row was counted once in total.
    const p = finished.progress.patients;
    expect(p.added + p.updated + p.unchanged + p.skipped + p.failed).toBe(PATIENTS);

  });

  it('on SIGTERM a worker commits its batch, hands the job back and exits 0; the next worker finishes it', async () => {
    const integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth)
      .send({ ...integrationBody(sandbox), name: 'graceful' }).expect(201)).body.id;
    const job = (await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth)
      .send({ integrationId, mode: 'full', resources: ['patients'] }).expect(202)).body;
    await waitForFetched(job.id, 5_000);
    const worker = workers[workers.length - 1];
    const stoppedAt = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    const handedBack = await t.http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(200);
    expect(handedBack.body.status).toBe('queued');
    expect(handedBack.body.progress.patients.fetched).toBeLessThan(PATIENTS);

    workers.push(await startAppProcess(workerEnv));
    const finished = await waitForJob(t, org.auth, job.id, 120_000);
    expect(finished.status).toBe('succeeded');
    expect(finished.progress.patients.fetched).toBe(PATIENTS);
    expect(finished.attempts).toBe(2);

    const last = workers[workers.length - 1];
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
  });
});
