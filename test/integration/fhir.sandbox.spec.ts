import { FhirSandboxHost, startFhirSandbox } from '../helpers/fhir';

/** The simulated FHIR R4 server's own behaviour, by raw HTTP: conformance, search parameters, paging, read, errors. */
describe('FHIR sandbox (generic fhir-r4 profile)', () => {
  let host: FhirSandboxHost;
  let token: string;
  const base = () => `${host.root}/fhir-r4/sbx`;
  const get = async (path: string, auth = true) => {
    const res = await fetch(`${base()}/${path}`, { headers: auth ? { Authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    host = await startFhirSandbox({ patients: 30, seed: 5 });
    host.sandbox.registerClient('basic-client', { clientSecret: 'pw' });
    const res = await fetch(`${base()}/auth/token`, {
      method: 'POST', headers: { Authorization: `Basic ${Buffer.from('basic-client:pw').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=system%2FPatient.read',
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => host.close());

  it('serves smart-configuration and a CapabilityStatement without a token', async () => {
    const smart = await get('.well-known/smart-configuration', false);
    expect(smart.body).toMatchObject({ token_endpoint: `${base()}/auth/token`, token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'] });
    const cs = await get('metadata', false);
    expect(cs.type).toContain('application/fhir+json');
    expect(cs.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect(cs.body.rest[0].resource.map((r: { type: string }) => r.type)).toEqual(['Patient', 'Practitioner', 'Location', 'Appointment', 'Coverage', 'DocumentReference']);
  });

  it('requires a live bearer token for data', async () => {
    expect((await get('Patient', false)).status).toBe(401);
    expect((await get('Patient', false)).body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
  });

  it('searches with _count, _lastUpdated and _id, pages by next links, and reads by id', async () => {
    const all = [...host.sandbox.tenant('fhir-r4', 'sbx').data.Patient.values()];
    const first = await get('Patient?_count=7');
    expect(first.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 30 });
    expect(first.body.entry).toHaveLength(7);
    const ids: string[] = [];
    let page: Record<string, any> | null = first.body;
    while (page) {
      ids.push(...page.entry.map((e: { resource: { id: string } }) => e.resource.id));
      const next: string | undefined = page.link.find((l: { relation: string }) => l.relation === 'next')?.url;
      page = next ? (await get(next.slice(base().length + 1))).body : null;
    }
    expect(new Set(ids).size).toBe(30);
    expect(ids).toHaveLength(30);
    const sorted = all.map((p) => p.meta!.lastUpdated!).sort();
    const cut = sorted[20];
    const recent = await get(`Patient?_lastUpdated=ge${encodeURIComponent(cut)}&_count=100`);
    expect(recent.body.total).toBe(all.filter((p) => p.meta!.lastUpdated! >= cut).length);
    const two = await get(`Patient?_id=${all[0].id},${all[1].id}`);
    expect(two.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual([all[0].id, all[1].id].sort());
    expect((await get(`Patient/${all[2].id}`)).body).toMatchObject({ resourceType: 'Patient', id: all[2].id });
  });

  it('answers unknown parameters, ids and types with an OperationOutcome', async () => {
    expect(await get('Patient?name=smith')).toMatchObject({ status: 400, body: { issue: [{ code: 'not-supported' }] } });
    expect(await get('Patient?_lastUpdated=gebanana')).toMatchObject({ status: 400, body: { issue: [{ code: 'invalid' }] } });
    expect(await get('Patient/nope')).toMatchObject({ status: 404, body: { issue: [{ code: 'not-found' }] } });
    expect((await get('Observation')).status).toBe(404);
    expect((await fetch(`${host.root}/no-such-vendor/sbx/metadata`)).status).toBe(404);
  });

  it('is 404 everywhere when disabled', async () => {
    const off = await startFhirSandbox({ enabled: false });
    try {
      expect((await fetch(`${off.root}/fhir-r4/sbx/metadata`)).status).toBe(404);
      expect((await fetch(`${off.root}/fhir-r4/sbx/auth/token`, { method: 'POST' })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
