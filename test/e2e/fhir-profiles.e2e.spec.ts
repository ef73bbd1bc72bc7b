import { FHIR_SANDBOX_PREFIX, FhirSandbox } from '../../src/sandbox/fhir';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { keyPair } from '../helpers/fhir';

const FHIR_VENDORS = ['fhir-r4', 'epic', 'oracle-health', 'athenahealth', 'eclinicalworks', 'nextgen', 'meditech', 'veradigm'];
const DAY = 86_400_000;

/**
 * The EHR profiles through the public API: the catalog lists all seven beside `fhir-r4` (write-back at Epic and Oracle Health only),
 * and an Oracle Health integration on the app's own FHIR sandbox syncs through the engine: patients
 * by search, coverages per stored patient, appointments in a rolling window across the stored
 * locations; a coverage deleted at the EHR is tombstoned by reconciliation on the next run.
 */
describe('FHIR EHR profiles: catalog and an Oracle Health sync through the engine', () => {
  let t: TestApp;
  let org: { auth: string };
  let sandbox: FhirSandbox;
  let integrationId: string;
  const key = keyPair('ES384');
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);
  const sync = async (mode: 'full' | 'incremental') => waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId, mode }).expect(202)).body.id);

  beforeAll(async () => {
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    sandbox = t.app.get(FhirSandbox);
    sandbox.registerClient('oh-client', { keys: [{ jwk: { ...key.publicKey.export({ format: 'jwk' }), kid: 'oh-key' } }] });
    org = await createOrg(t, 'Lakeside Clinic');
    const res = await post('/api/v1/integrations', {
      vendor: 'oracle-health', name: 'Lakeside (Oracle Health)', environment: 'sandbox',
      config: { fhirBaseUrl: `http://127.0.0.1:${port}${FHIR_SANDBOX_PREFIX}/oracle-health/ec2458f2`, clientId: 'oh-client', keyId: 'oh-key', signingAlgorithm: 'ES384', pageSize: 50 },
      credentials: { privateKey: key.privatePem },
    }).expect(201);
    integrationId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the seven EHRs beside fhir-r4, read-only, with what each cannot read', async () => {
    const vendors = (await get('/api/v1/vendors?category=ehr').expect(200)).body as Array<{ id: string; description: string; capabilities: Record<string, unknown> }>;
    expect(vendors.map((v) => v.id)).toEqual(expect.arrayContaining(FHIR_VENDORS));
    for (const v of vendors.filter((x) => FHIR_VENDORS.includes(x.id))) {
      expect(v.capabilities).toMatchObject({ writeBack: ['epic', 'oracle-health'].includes(v.id), webhooks: false });
    }
    expect(vendors.find((v) => v.id === 'eclinicalworks')!.description).toContain('no Appointment');
    expect(vendors.find((v) => v.id === 'athenahealth')!.capabilities.resources).toEqual(['patients', 'coverages', 'documents']); // patients by Group export
  });

  it('refuses an athenahealth integration without practiceId, naming the field', async () => {
    const res = await post('/api/v1/integrations', {
      vendor: 'athenahealth', name: 'x', environment: 'sandbox', config: { fhirBaseUrl: 'https://api.platform.athenahealth.com/fhir/r4', clientId: 'c' }, credentials: { clientSecret: 's' },
    }).expect(400);
    expect(JSON.stringify(res.body)).toContain('practiceId');
  });

  it('a full sync reads each resource by its strategy; the next run tombstones a coverage deleted at the EHR', async () => {
    const first = await sync('full');
    expect(first.status).toBe('succeeded');
    const data = sandbox.tenant('oracle-health', 'ec2458f2').data;
    const from = Date.now() - 30 * DAY;
    const to = Date.now() + 180 * DAY;
    const inWindow = [...data.Appointment.values()].filter((a) => Date.parse(a.start as string) >= from && Date.parse(a.start as string) < to).length;
    expect(first.progress.patients.fetched).toBe(data.Patient.size);
    expect(first.progress.coverages.fetched).toBe(data.Coverage.size);
    expect(first.progress.appointments.fetched).toBe(inWindow);
    expect(first.progress.documents.fetched).toBe(data.DocumentReference.size);
    const log = sandbox.tenant('oracle-health', 'ec2458f2').log;
    expect(log.filter((e) => e.path.endsWith('/Coverage') && e.status === 200).length).toBeGreaterThanOrEqual(data.Patient.size);

    const gone = [...data.Coverage.values()].find((c) => c.status === 'active')!;
    sandbox.remove('oracle-health', 'ec2458f2', 'Coverage', gone.id!);
    const second = await sync('incremental');
    expect(second.status).toBe('succeeded');
    expect(second.progress.coverages).toMatchObject({ deleted: 1, added: 0 });
    expect(second.progress.coverages.stored).toBe(first.progress.coverages.stored - 1);
    expect(second.progress.patients).toMatchObject({ deleted: 0, added: 0, updated: 0 });
  });
});
