import { FHIR_SANDBOX_PREFIX, FhirSandbox } from '../../src/sandbox/fhir';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { keyPair } from '../helpers/fhir';

/**
 * fhir-r4 end to end through the public API, against the FHIR sandbox served by the same app:
 * a backend client with an RS384 key registered at the sandbox, an integration whose token URL
 * is discovered, a connection test and a full sync job on the queue.
 */
describe('fhir-r4: integration on the FHIR sandbox, test and full sync', () => {
  let t: TestApp;
  let org: { auth: string };
  let sandbox: FhirSandbox;
  let integrationId: string;
  const key = keyPair('RS384');
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);

  beforeAll(async () => {
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1'); // the adapter calls the sandbox over HTTP
    const { port } = t.app.getHttpServer().address() as { port: number };
    sandbox = t.app.get(FhirSandbox);
    sandbox.registerClient('e2e-client', { keys: [{ jwk: { ...key.publicKey.export({ format: 'jwk' }), kid: 'e2e-key' } }] });
    org = await createOrg(t, 'Riverside Family Health');
    const res = await post('/api/v1/integrations', {
      vendor: 'fhir-r4', name: 'Riverside (FHIR R4)', environment: 'sandbox',
      config: { fhirBaseUrl: `http://127.0.0.1:${port}${FHIR_SANDBOX_PREFIX}/fhir-r4/e2e-tenant`, clientId: 'e2e-client', keyId: 'e2e-key', pageSize: 50 },
      credentials: { privateKey: key.privatePem },
    }).expect(201);
    integrationId = res.body.id;
    expect(JSON.stringify(res.body)).not.toContain('PRIVATE KEY');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is in the catalog and tests ok', async () => {
    const vendors = (await get('/api/v1/vendors').expect(200)).body;
    expect(vendors.find((v: { id: string }) => v.id === 'fhir-r4')).toMatchObject({ category: 'ehr', capabilities: { webhooks: false, writeBack: false } });
    expect((await post(`/api/v1/integrations/${integrationId}/test`).expect(200)).body.ok).toBe(true);
  });

  it('a full sync stores every patient, without SSNs in what the API returns', async () => {
    const job = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId, mode: 'full' }).expect(202)).body.id);
    expect(job.status).toBe('succeeded');
    const tenant = sandbox.tenant('fhir-r4', 'e2e-tenant').data;
    const stored = (await get(`/api/v1/patients?integrationId=${integrationId}&limit=500`).expect(200)).body.data;
    expect(stored.length).toBe(tenant.Patient.size);
    expect(job.progress.patients.stored).toBe(tenant.Patient.size);
    expect(job.progress.appointments.stored).toBeGreaterThan(0);
    const ssns = [...tenant.Patient.values()].flatMap((p) => (p.identifier as Array<{ system: string; value: string }>).filter((i) => /ssn|113883\.4\.1$/.test(i.system)).map((i) => i.value));
    expect(ssns.length).toBeGreaterThan(0);
    const body = JSON.stringify(stored);
    for (const ssn of ssns) expect(body).not.toContain(ssn);
  });
});
