import { NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthSandbox } from '../../src/sandbox/nexhealth';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';

const LOCATION = 101;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * NexHealth end to end through the public API, against the simulated NexHealth served by the same
 * app: full migration on the sync-jobs queue, auto-sync (endpoint and subscriptions registered at
 * NexHealth), a patient changed at NexHealth arriving by signed webhook and shown updated, then
 * auto-sync removed at NexHealth and here.
 */
describe('nexhealth: full migration, auto-sync and a change arriving by webhook', () => {
  let t: TestApp;
  let org: { auth: string };
  let sandbox: NexHealthSandbox;
  let baseUrl: string;
  let integrationId: string;
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);

  beforeAll(async () => {
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1'); // the sandbox delivers webhooks to this port
    const { port } = t.app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${port}`;
    sandbox = t.app.get(NexHealthSandbox);
    sandbox.reset({ seed: 4242, patients: 60 });
    org = await createOrg(t, 'Riverside Dental');
    const res = await post('/api/v1/integrations', {
      vendor: 'nexhealth', name: 'Riverside (NexHealth)', environment: 'sandbox',
      config: { baseUrl: `${baseUrl}${NEXHEALTH_SANDBOX_PREFIX}`, subdomain: NEXHEALTH_SANDBOX_SUBDOMAIN, locationId: LOCATION },
      credentials: { apiKey: NEXHEALTH_SANDBOX_API_KEY },
    }).expect(201);
    integrationId = res.body.id;
    expect(res.body.credentialFields).toEqual(['apiKey']);
    expect(JSON.stringify(res.body)).not.toContain(NEXHEALTH_SANDBOX_API_KEY);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is in the catalog with webhook registration, and tests ok', async () => {
    const vendors = (await get('/api/v1/vendors').expect(200)).body;
    const nex = vendors.find((v: { id: string }) => v.id === 'nexhealth');
    expect(nex.capabilities).toMatchObject({ webhooks: true, writeBack: false });
    const test = (await post(`/api/v1/integrations/${integrationId}/test`).expect(200)).body;
    expect(test.ok).toBe(true);
  });

  it('a full migration stores every patient of the location, with their appointments', async () => {
    const job = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId, mode: 'full' }).expect(202)).body.id);
    expect(job.status).toBe('succeeded');
    const inLocation = [...sandbox.institution.patients.values()].filter((p) => p.location_id === LOCATION);
    const stored = (await get(`/api/v1/patients?integrationId=${integrationId}&limit=500`).expect(200)).body.data;
    expect(job.progress.patients.stored).toBe(stored.length);
    expect(stored.length).toBe(inLocation.length - job.progress.patients.skipped);
    expect(stored.length).toBeGreaterThan(0);
    expect(job.progress.appointments.stored).toBeGreaterThan(0);
  });

  it('auto-sync registers at NexHealth; a patient changed there arrives by signed webhook and is shown updated', async () => {
    const created = (await post(`/api/v1/integrations/${integrationId}/auto-sync`).expect(201)).body;
    expect(created).toMatchObject({ integrationId, signatureAlgorithm: 'nexhealth', registeredAtVendor: true });
    expect(created.secret).toBeUndefined();
    const endpoints = [...sandbox.endpoints.values()];
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0].target_url).toBe(`${baseUrl}/api/v1/webhooks/${integrationId}`);
    await post(`/api/v1/integrations/${integrationId}/auto-sync`).expect(409);
    await post(`/api/v1/sync/webhooks/${created.id}/rotate-secret`, {}).expect(400);

    const ours = (await get(`/api/v1/patients?integrationId=${integrationId}&limit=1`).expect(200)).body.data[0];
    const changed = await t.http.post(`${NEXHEALTH_SANDBOX_PREFIX}/_admin/patients/${ours.externalId}`)
      .set('Authorization', NEXHEALTH_SANDBOX_API_KEY).send({ last_name: 'Webhookson' });
    expect(changed.status).toBe(200);
    expect(changed.body.deliveries.some((d: { ok: boolean; status: number }) => d.ok && d.status === 202)).toBe(true);

    const updated = await waitFor('the webhook to update the patient', async () => {
      const p = (await get(`/api/v1/patients/${ours.id}`).expect(200)).body;
      return p.data.names[0].family === 'Webhookson' ? p : undefined;
    });
    expect(updated.version).toBeGreaterThan(ours.version);
    const deliveries = (await get(`/api/v1/sync/webhooks/${created.id}/deliveries`).expect(200)).body.data;
    expect(deliveries).toHaveLength(1);
    await waitFor('the delivery to be processed', async () =>
      (await get(`/api/v1/sync/webhooks/${created.id}/deliveries`).expect(200)).body.data[0].status === 'succeeded');
  });

  it('a delivery with a bad signature is refused and stores nothing', async () => {
    const res = await t.http.post(`/api/v1/webhooks/${integrationId}`)
      .set('timestamp', new Date().toISOString()).set('signature', 'ab'.repeat(32)).set('Content-Type', 'application/json')
      .send({ resource_type: 'Patient', event_name: 'patient_updated', data: {} });
    expect(res.status).toBe(401);
    const endpoint = (await get('/api/v1/sync/webhooks').expect(200)).body.find((w: { integrationId: string }) => w.integrationId === integrationId);
    expect((await get(`/api/v1/sync/webhooks/${endpoint.id}/deliveries`).expect(200)).body.data).toHaveLength(1);
  });

  it("another organization's key gets 404 on auto-sync", async () => {
    const other = await createOrg(t, 'Elsewhere');
    await t.http.post(`/api/v1/integrations/${integrationId}/auto-sync`).set('Authorization', other.auth).expect(404);
    await t.http.delete(`/api/v1/integrations/${integrationId}/auto-sync`).set('Authorization', other.auth).expect(404);
  });

  it('removing auto-sync deletes the endpoint and subscriptions at NexHealth, then ours', async () => {
    await t.http.delete(`/api/v1/integrations/${integrationId}/auto-sync`).set('Authorization', org.auth).expect(204);
    expect(sandbox.endpoints.size).toBe(0);
    expect(sandbox.subscriptions.size).toBe(0);
    expect((await get('/api/v1/sync/webhooks').expect(200)).body).toHaveLength(0);
    await t.http.delete(`/api/v1/integrations/${integrationId}/auto-sync`).set('Authorization', org.auth).expect(404);
  });

  it('a vendor that cannot register endpoints answers 400 on auto-sync', async () => {
    const od = await post('/api/v1/integrations', {
      vendor: 'opendental-api', name: 'OD', environment: 'sandbox',
      config: { baseUrl: `${baseUrl}/sandbox/opendental/api/v1`, timeZone: 'UTC' }, credentials: { developerKey: 'x', customerKey: 'y' },
    }).expect(201);
    const res = await post(`/api/v1/integrations/${od.body.id}/auto-sync`).expect(400);
    expect(res.body.message).toContain('cannot register webhook endpoints');
  });
});
