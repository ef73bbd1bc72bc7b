import { Connection } from 'mysql2/promise';
import { Pool } from 'pg';
import { PG_POOL } from '../../src/database/database.module';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_counts');
const COUNTED = ['patients', 'providers', 'locations', 'appointments'];

describe('count reconciliation: a full sync compares the source count with the stored records', () => {
  let t: TestApp;
  let org: { auth: string };
  let pool: Pool;
  let mysql: Connection;
  let integrationId: string;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;

  const sync = async (mode: 'full' | 'incremental') => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode }).expect(202);
    return waitForJob(t, org.auth, created.body.id);
  };
  const integration = async () => (await t.http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', org.auth).expect(200)).body;

  beforeAll(async () => {
    sandbox = await buildSandbox(DB, 150);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    t = await bootApp();
    pool = t.app.get<Pool>(PG_POOL);
    org = await createOrg(t);
    integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('a full sync of the OpenDental database counts each resource the way the reader filters it, and the counts agree', async () => {
    const job = await sync('full');
    expect(job.status).toBe('succeeded');
    const [rows] = await mysql.query("SELECT count(*) n FROM patient WHERE PatStatus <> 4 AND Birthdate > '0001-01-01'");
    expect(job.progress.patients.sourceCount).toBe(Number((rows as Array<{ n: number }>)[0].n));
    for (const resource of COUNTED) expect(job.progress[resource].sourceCount).toBe(job.progress[resource].stored);
    expect(job.progress.patients.skipped).toBeGreaterThan(0); // patients without a birth date: skipped by the reader, not counted
    expect(job.progress.coverages.sourceCount).toBeUndefined(); // hard-deleted at the source: not counted
    expect(job.countMismatches).toEqual([]);
    expect(await integration()).toMatchObject({ healthStatus: 'healthy', countMismatch: null });
  });

  it('counts with the integration\'s own filters: clinics, patient statuses, birth date not required', async () => {
    const scoped = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth)
      .send(integrationBody(sandbox, { clinicNums: [2], patientStatuses: ['Patient', 'Inactive'], requireBirthdate: false })).expect(201)).body.id;
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId: scoped, mode: 'full' }).expect(202);
    const job = await waitForJob(t, org.auth, created.body.id);
    expect(job.status).toBe('succeeded');
    const [rows] = await mysql.query('SELECT count(*) n FROM patient WHERE ClinicNum = 2 AND PatStatus IN (0, 2)');
    expect(job.progress.patients.sourceCount).toBe(Number((rows as Array<{ n: number }>)[0].n));
    for (const resource of COUNTED) expect(job.progress[resource].sourceCount).toBe(job.progress[resource].stored);
    expect(job.countMismatches).toEqual([]);
    await t.http.delete(`/api/v1/integrations/${scoped}`).set('Authorization', org.auth);
  });

  it('a record lost behind the hub\'s back is reported on the job and degrades the integration until a full sync agrees', async () => {
    // Soft-deleted in Postgres without the source changing: the hash still matches, so a full sync does not rewrite it.
    const lost = await pool.query<{ id: string }>(`UPDATE records SET deleted_at = now() WHERE id = (
      SELECT id FROM records WHERE integration_id = $1 AND resource_type = 'patients' AND deleted_at IS NULL ORDER BY external_id LIMIT 1) RETURNING id`, [integrationId]);
    const job = await sync('full');
    expect(job.status).toBe('succeeded');
    const source = job.progress.patients.sourceCount;
    expect(job.countMismatches).toEqual([{ resource: 'patients', sourceCount: source, stored: source - 1 }]);
    const degraded = await integration();
    expect(degraded).toMatchObject({ healthStatus: 'degraded', countMismatch: { syncJobId: job.id, resources: job.countMismatches } });
    expect(degraded.lastError).toContain(`patients (source ${source}, stored ${source - 1})`);

    // Neither an incremental (it cannot compare) nor a working connection test clears the verdict.
    const incremental = await sync('incremental');
    expect(incremental.status).toBe('succeeded');
    expect(incremental.progress.patients.sourceCount).toBeUndefined();
    expect(incremental.countMismatches).toEqual([]);
    expect((await t.http.post(`/api/v1/integrations/${integrationId}/test`).set('Authorization', org.auth).expect(200)).body.ok).toBe(true);
    const health = await t.http.get('/api/v1/integrations/health/status').set('Authorization', org.auth).expect(200);
    expect(health.body.find((h: { integrationId: string }) => h.integrationId === integrationId)).toMatchObject({ healthStatus: 'degraded' });

    await pool.query('UPDATE records SET deleted_at = NULL WHERE id = $1', [lost.rows[0].id]);
    const repaired = await sync('full');
    expect(repaired.countMismatches).toEqual([]);
    expect(await integration()).toMatchObject({ healthStatus: 'healthy', countMismatch: null, lastError: null });
  });
});
