import { randomBytes } from 'node:crypto';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_wrongpw');

describe('opendental-db with a wrong database password', () => {
  let t: TestApp;
  let org: { auth: string };
  let integrationId: string;
  const wrongPassword = `wrong-${randomBytes(10).toString('hex')}`;

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 30);
    t = await bootApp();
    org = await createOrg(t, 'Wrong Password Dental');
    const body = integrationBody(sandbox);
    const res = await t.http.post('/api/v1/integrations').set('Authorization', org.auth)
      .send({ ...body, credentials: { password: wrongPassword } }).expect(201);
    integrationId = res.body.id;
    expect(res.body.healthStatus).toBe('unknown');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('POST /test answers 200 { ok: false, latencyMs, message } saying authentication failed, without the password', async () => {
    const res = await t.http.post(`/api/v1/integrations/${integrationId}/test`).set('Authorization', org.auth).expect(200);
    expect(res.body).toEqual({ ok: false, latencyMs: expect.any(Number), message: expect.any(String) });
    expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.body.message).toMatch(/authentication failed/i);
    expect(res.text).not.toContain(wrongPassword);
  });

  it('the integration becomes unhealthy with lastError set (and lastTestedAt)', async () => {
    const res = await t.http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(res.body.healthStatus).toBe('unhealthy');
    expect(res.body.lastError).toMatch(/authentication failed/i);
    expect(res.body.lastTestedAt).not.toBeNull();
    expect(res.text).not.toContain(wrongPassword);
    const health = await t.http.get('/api/v1/integrations/health/status').set('Authorization', org.auth).expect(200);
    const mine = health.body.find((h: { integrationId: string }) => h.integrationId === integrationId);
    expect(mine).toMatchObject({ healthStatus: 'unhealthy', lastError: expect.stringMatching(/authentication failed/i) });
  });

  it('the test is audited as a failure, without the password', async () => {
    const res = await t.http.get(`/api/v1/audit-events?action=integration.tested&targetId=${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].outcome).toBe('failure');
    expect(res.text).not.toContain(wrongPassword);
  });

  it('a full sync fails at once with PROVIDER_AUTHENTICATION_FAILED, one attempt, no retries, and says why', async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    const job = await waitForJob(t, org.auth, created.body.id, 20_000);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('PROVIDER_AUTHENTICATION_FAILED');
    expect(job.attempts).toBe(1);
    expect(job.errorMessage).toMatch(/authentication failed/i);
    expect(job.errorMessage).toMatch(/password/i);
    expect(job.errorMessage).not.toContain(wrongPassword);
    expect(job.finishedAt).not.toBeNull();
    // Well under the 2 s first backoff: the failure was permanent, not retried.
    const elapsed = new Date(job.finishedAt).getTime() - new Date(job.createdAt).getTime();
    expect(elapsed).toBeLessThan(1500);
    for (const progress of Object.values(job.progress ?? {}) as Array<{ added: number }>) expect(progress.added).toBe(0);

    // Nothing retries it later: after the first backoff would have passed, the job is unchanged.
    await new Promise((r) => setTimeout(r, 2500));
    const later = await t.http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(200);
    expect(later.body).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'PROVIDER_AUTHENTICATION_FAILED' });
    expect(later.body.finishedAt).toBe(job.finishedAt);

    const integration = await t.http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(integration.body.healthStatus).toBe('unhealthy');
    expect(integration.body.lastError).toMatch(/authentication failed/i);
    expect(integration.body.lastSyncedAt).toBeNull();

    const completed = await t.http.get(`/api/v1/audit-events?action=sync_job.completed&targetId=${job.id}`).set('Authorization', org.auth).expect(200);
    expect(completed.body.data).toHaveLength(1);
    expect(completed.body.data[0]).toMatchObject({ outcome: 'failure', actorId: 'system', details: { status: 'failed', errorCode: 'PROVIDER_AUTHENTICATION_FAILED' } });

    const patients = await t.http.get(`/api/v1/patients?integrationId=${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(patients.body.data).toHaveLength(0);
  });

  it('the failed job can be retried (and fails the same way); the integration is not left "syncing"', async () => {
    const jobs = await t.http.get(`/api/v1/sync/jobs?integrationId=${integrationId}`).set('Authorization', org.auth).expect(200);
    const failed = jobs.body.data[0];
    const retried = await t.http.post(`/api/v1/sync/jobs/${failed.id}/retry`).set('Authorization', org.auth).expect(202);
    expect(retried.body.retryOf).toBe(failed.id);
    const job = await waitForJob(t, org.auth, retried.body.id, 20_000);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'PROVIDER_AUTHENTICATION_FAILED' });
  });

  it('GET /databases with the wrong password answers an error naming the cause, not the password', async () => {
    const res = await t.http.get(`/api/v1/integrations/${integrationId}/databases`).set('Authorization', org.auth);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(600);
    expect(res.status).not.toBe(500);
    expect(res.body.message).toMatch(/authentication failed/i);
    expect(res.text).not.toContain(wrongPassword);
  });
});
