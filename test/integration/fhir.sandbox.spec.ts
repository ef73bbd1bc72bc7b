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

  describe('EHR profiles: paging style, tenancy and required search parameters', () => {
    const tokens = new Map<string, string>();
    const at = async (vendor: string, tenant: string, path: string) => {
      const key = `${vendor}/${tenant}`;
      if (!tokens.has(key)) {
        const res = await fetch(`${host.root}/${key}/auth/token`, {
          method: 'POST', headers: { Authorization: `Basic ${Buffer.from('basic-client:pw').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        tokens.set(key, ((await res.json()) as { access_token: string }).access_token);
      }
      const res = await fetch(path.startsWith('http') ? path : `${host.root}/${key}/${path}`, { headers: { Authorization: `Bearer ${tokens.get(key)}` } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const nextOf = (body: Record<string, any>) => body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string | undefined;

    it('athenahealth: ah-practice on every search, _id or patient required, a-{practice}.E-{n} patient ids, cursor paging', async () => {
      const practice = 'ah-practice=Organization%2Fa-1.Practice-195900';
      expect(await at('athenahealth', '195900', 'Coverage?patient=x')).toMatchObject({ status: 400, body: { issue: [{ code: 'required', diagnostics: expect.stringContaining('ah-practice') }] } });
      expect(await at('athenahealth', '195900', `Patient?${practice}`)).toMatchObject({ status: 400, body: { issue: [{ diagnostics: expect.stringContaining('requires one of: _id, identifier') }] } });
      const patients = [...host.sandbox.tenant('athenahealth', '195900').data.Patient.keys()];
      expect(patients[0]).toMatch(/^a-195900\.E-\d+$/);
      const coverage = [...host.sandbox.tenant('athenahealth', '195900').data.Coverage.values()][0];
      const owner = (coverage.beneficiary as { reference: string }).reference.slice('Patient/'.length);
      const page = await at('athenahealth', '195900', `Coverage?${practice}&patient=${owner}&_count=1`);
      expect(page.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([coverage.id]);
      expect(nextOf(page.body)).toContain('cursor=');
    });

    it('oracle-health: Appointment needs date with patient or location; pageContext links', async () => {
      expect((await at('oracle-health', 't1', 'Appointment?location=loc-2')).status).toBe(400);
      expect((await at('oracle-health', 't1', 'Appointment?date=ge2020-01-01')).status).toBe(400);
      expect((await at('oracle-health', 't1', 'Patient?_lastUpdated=ge2020-01-01')).body).toMatchObject({ issue: [{ code: 'not-supported' }] });
      const page = await at('oracle-health', 't1', 'Appointment?date=ge2000-01-01&location=loc-2,loc-3&_count=2');
      expect(page.status).toBe(200);
      expect(nextOf(page.body)).toContain('pageContext=');
    });

    it('eclinicalworks, veradigm: no Appointment, no page size parameter; nextgen: _maxresults; meditech: continue', async () => {
      expect((await at('eclinicalworks', 'FEIGCD', 'Appointment')).status).toBe(404);
      expect((await at('veradigm', 'CP00101', 'Patient?_count=5')).status).toBe(400);
      const ecw = await at('eclinicalworks', 'FEIGCD', 'Patient');
      expect(ecw.body.entry).toHaveLength(20);
      expect(nextOf(ecw.body)).toContain('page=');
      expect((await at('nextgen', 'prod', 'Patient?_count=5')).status).toBe(400);
      expect((await at('nextgen', 'prod', 'Patient?_maxresults=5')).body.entry).toHaveLength(5);
      expect(nextOf((await at('meditech', 'STU6', 'Patient?_count=5')).body)).toContain('continue=');
      const cs = await at('eclinicalworks', 'FEIGCD', 'metadata');
      expect(cs.body.rest[0].resource.map((r: { type: string }) => r.type)).not.toContain('Appointment');
    });
  });
});
