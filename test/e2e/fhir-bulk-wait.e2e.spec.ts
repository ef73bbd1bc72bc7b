import { Queue } from 'bullmq';
import { SYNC_QUEUE } from '../../src/queue/queue.module';
import { FHIR_SANDBOX_PREFIX, FhirSandbox } from '../../src/sandbox/fhir';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';

/**
 * An Epic sync whose Group export answers `Retry-After: 7200` (hours, as Cerner and eClinicalWorks
 * do): the job does not hold a worker nor spend its retries; it goes back to the queue delayed by
 * the wait, its row `queued` with the wait in the message, and when it runs again it polls the
 * same export (no second kick-off) and finishes. Patients then fan out per stored patient.
 */
describe('FHIR Bulk export that asks to wait hours: the sync re-enters later from its checkpoint', () => {
  let t: TestApp;
  let org: { auth: string };
  let sandbox: FhirSandbox;
  let integrationId: string;
  const tenant = 'bulk-wait';
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);

  beforeAll(async () => {
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    sandbox = t.app.get(FhirSandbox);
    org = await createOrg(t, 'Bulk Wait Clinic');
    const res = await post('/api/v1/integrations', {
      vendor: 'epic', name: 'Epic (bulk)', environment: 'sandbox',
      config: { fhirBaseUrl: `http://127.0.0.1:${port}${FHIR_SANDBOX_PREFIX}/epic/${tenant}`, clientId: 'bulk-wait', groupId: 'everyone' },
    }).expect(201);
    integrationId = res.body.id;
    sandbox.registerClient('bulk-wait', { jwksUrl: `http://127.0.0.1:${port}/api/v1/integrations/${integrationId}/jwks.json` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('waits delayed in the queue, then finishes the same export', async () => {
    sandbox.bulkReadyAfterMs = 60_000;
    sandbox.setFaults('epic', tenant, { bulkRetryAfter: 7200 });
    const jobId = (await post('/api/v1/sync/jobs', { integrationId, mode: 'full', resources: ['patients', 'coverages'] }).expect(202)).body.id;
    const deadline = Date.now() + 20_000;
    let row: Record<string, any>;
    for (;;) {
      row = (await get(`/api/v1/sync/jobs/${jobId}`).expect(200)).body;
      if (row.status === 'queued' && String(row.errorMessage ?? '').startsWith('Waiting for the vendor until')) break;
      if (Date.now() > deadline) throw new Error(`job never waited: ${row.status} ${row.errorMessage}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row.errorCode).toBe('PROVIDER_RATE_LIMITED');
    const queue = t.app.get<Queue>(SYNC_QUEUE);
    const job = await queue.getJob(`sync-${jobId}`);
    expect(await job!.getState()).toBe('delayed');
    expect(job!.delay).toBeGreaterThan(7_000_000);
    expect(job!.attemptsMade).toBe(0);

    // The export completes; the job runs again (promoted instead of waiting two hours).
    for (const e of sandbox.tenant('epic', tenant).exports.values()) e.readyAt = Date.now();
    await job!.promote();
    const done = await waitForJob(t, org.auth, jobId);
    expect(done.status).toBe('succeeded');
    const data = sandbox.tenant('epic', tenant).data;
    expect(done.progress.patients.fetched).toBe(data.Patient.size);
    expect(done.progress.coverages.fetched).toBe(data.Coverage.size);
    expect(sandbox.tenant('epic', tenant).log.filter((e) => e.path.endsWith('/Group/everyone/$export'))).toHaveLength(1);
  });
});
