import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { NexHealthVerifier } from '../../src/providers/nexhealth/nexhealth.verifier';
import { NEXHEALTH_SANDBOX_SUBDOMAIN, RETRY_SCHEDULE_MS } from '../../src/sandbox/nexhealth';
import { NexSandbox, nexRequest, nexToken, Receiver, sleep, startNexSandbox, startReceiver } from '../helpers/nexhealth';

const DOC = JSON.parse(readFileSync('/work/shared/vendors/nexhealth/nexhealth-openapi-v3.json', 'utf8'));
const SD = `subdomain=${NEXHEALTH_SANDBOX_SUBDOMAIN}`;

/** Fields a schema lists that the sandbox does not send unless asked (`include[]`): everything else is required. */
const OPTIONAL: Record<string, string[]> = {
  API_V20240412_Entities_PatientDetailed: ['children', 'guarantor', 'provider', 'last_visited_appointment', 'upcoming_appts', 'procedures', 'insurance_coverages', 'adjustments', 'charges', 'payments', 'patient_alerts', 'appointments', 'address'],
  API_V20240412_Entities_ProviderWithResources: ['availabilities'],
  API_V2_Entities_OperatoryWithResources: ['appointment_types'],
};
const ENTITIES = [
  'API_V2_Entities_AuthorizationResponse', 'API_V20240412_Entities_PatientWithPrivacyAuthorization', 'API_V20240412_Entities_PatientDetailed', 'API_V2_Entities_PrivacyAuthorization',
  'API_V2_Entities_AppointmentWithoutIncludes', 'API_V20240412_Entities_ProviderWithResources', 'API_Entities_Location', 'API_Entities_Specialty', 'API_V2_Entities_ProviderRequestable',
  'API_V2_Entities_OperatoryWithResources', 'API_V2_Entities_InstitutionBasicWithLocations', 'API_V2_Entities_Location', 'API_V20240412_Entities_Insurance_PatientCoverage',
  'API_V2_Entities_PatientDocument', 'API_V20240412_Entities_Ledger_GuarantorBalance', 'API_V2_Entities_Price', 'API_V2_Entities_WebhookEndpoint', 'API_V2_Entities_WebhookSubscription',
];

/**
 * The doc's components, made strict: every entity above rejects unknown fields and requires
 * every field it lists (but the include-only ones), and every envelope requires code, error
 * and data (page_info on cursor lists) and allows only description/count besides. So a
 * misspelt or missing field fails, which the doc's own loose schemas would let through.
 */
function strictSchemas(): Record<string, any> {
  const schemas = structuredClone(DOC.components.schemas) as Record<string, any>;
  for (const name of ENTITIES) {
    const s = schemas[name];
    s.additionalProperties = false;
    s.required = Object.keys(s.properties).filter((p) => !(OPTIONAL[name] ?? []).includes(p));
  }
  const pageInfo = {
    type: 'object', additionalProperties: false, required: ['has_previous_page', 'has_next_page', 'start_cursor', 'end_cursor'],
    properties: { has_previous_page: { type: 'boolean' }, has_next_page: { type: 'boolean' }, start_cursor: { type: 'string', nullable: true }, end_cursor: { type: 'string', nullable: true } },
  };
  for (const [name, s] of Object.entries(schemas)) {
    if (!/_Response(_WithCursor)?$/.test(name) && !name.startsWith('API_Errors_')) continue;
    s.properties = { ...s.properties, description: { type: 'string' }, count: { type: 'integer' } };
    s.additionalProperties = false;
    s.required = ['code', 'error', 'data'];
    if (name.endsWith('_WithCursor')) {
      s.properties.page_info = pageInfo;
      s.required.push('page_info');
    } else {
      delete s.properties.page_info;
    }
  }
  return schemas;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'nexhealth.json', components: { schemas: strictSchemas() } });
const compiled = new Map<string, ValidateFunction>();

/** The response schema the doc gives for (path, method, status), compiled against the strict components. */
function schemaFor(path: string, method: string, status: number): ValidateFunction {
  const content = DOC.paths[path][method].responses[String(status)].content;
  const ref = (Object.values(content)[0] as { schema: { $ref: string } }).schema.$ref;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `nexhealth.json${ref}` });
    compiled.set(ref, validate);
  }
  return validate;
}

function expectValid(body: unknown, path: string, method: string, status: number): void {
  const validate = schemaFor(path, method, status);
  const ok = validate(body);
  if (!ok) throw new Error(`${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

describe('NexHealth sandbox (v3.0.0 OpenAPI)', () => {
  let nex: NexSandbox;
  let token: string;
  let receiver: Receiver;

  beforeAll(async () => {
    nex = await startNexSandbox({ patients: 120, seed: 42 });
    token = await nexToken(nex.baseUrl);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await nex.close();
  });
  afterEach(() => nex.sandbox.resetRateLimits());

  const get = (path: string, t = token) => nexRequest(nex.baseUrl, path, { token: t });

  it('the strict schemas catch a misspelt, a missing and a wrongly typed field (so passing means something)', async () => {
    const page = (await get(`/patients?${SD}&location_id=101`)).body;
    expect(() => expectValid(page, '/patients', 'get', 200)).not.toThrow();
    const renamed = structuredClone(page);
    renamed.data[0].firstName = renamed.data[0].first_name;
    delete renamed.data[0].first_name;
    expect(() => expectValid(renamed, '/patients', 'get', 200)).toThrow(/first_name|additional/);
    const typed = structuredClone(page);
    typed.data[0].id = String(typed.data[0].id);
    expect(() => expectValid(typed, '/patients', 'get', 200)).toThrow(/integer/);
    const noCursor = structuredClone(page);
    delete noCursor.page_info;
    expect(() => expectValid(noCursor, '/patients', 'get', 200)).toThrow(/page_info/);
  });

  it('POST /authenticates answers a token in the envelope; a bad key gets 401', async () => {
    const res = await nexRequest(nex.baseUrl, '/authenticates', { method: 'POST', apiKey: 'sandbox-nexhealth-api-key' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: true, description: 'Authenticated', error: [] });
    expectValid(res.body, '/authenticates', 'post', 201);
    const bad = await nexRequest(nex.baseUrl, '/authenticates', { method: 'POST', apiKey: 'nope' });
    expect(bad.status).toBe(401);
    expectValid(bad.body, '/authenticates', 'post', 401);
  });

  it('refuses a missing token, a missing Nex-Api-Version and an expired token', async () => {
    expect((await nexRequest(nex.baseUrl, `/locations?${SD}`)).status).toBe(401);
    const noVersion = await nexRequest(nex.baseUrl, `/locations?${SD}`, { token, version: null });
    expect(noVersion.status).toBe(400);
    expectValid(noVersion.body, '/patients', 'get', 400);
    nex.sandbox.configure({ tokenLifetimeSeconds: 0.3 });
    const short = await nexToken(nex.baseUrl);
    expect((await get(`/locations?${SD}`, short)).status).toBe(200);
    await sleep(400);
    const expired = await get(`/locations?${SD}`, short);
    expect(expired.status).toBe(401);
    expectValid(expired.body, '/patients', 'get', 401);
    nex.sandbox.configure({ tokenLifetimeSeconds: 86_400 });
  });

  it('GET /patients pages by cursor (default 5, forward and back) over exactly the location\'s patients with location_strict, over the whole EHR without', async () => {
    const first = await get(`/patients?${SD}&location_id=101`);
    expect(first.status).toBe(200);
    expectValid(first.body, '/patients', 'get', 200);
    expect(first.body.data).toHaveLength(5);
    expect(first.body.page_info).toMatchObject({ has_previous_page: false, has_next_page: true });
    const ids: number[] = [];
    let cursor: string | null = null;
    let second: any = null;
    for (;;) {
      const page = await get(`/patients?${SD}&location_id=101&location_strict=true&per_page=17${cursor ? `&end_cursor=${cursor}` : ''}`);
      expectValid(page.body, '/patients', 'get', 200);
      ids.push(...page.body.data.map((p: { id: number }) => p.id));
      if (ids.length === 34) second = page.body;
      if (!page.body.page_info.has_next_page) break;
      cursor = page.body.page_info.end_cursor;
    }
    const expected = [...nex.sandbox.institution.patients.values()].filter((p) => p.location_id === 101).map((p) => p.id).sort((a, b) => a - b);
    expect(ids).toEqual(expected);
    const back = await get(`/patients?${SD}&location_id=101&location_strict=true&per_page=17&start_cursor=${second.page_info.start_cursor}`);
    expect(back.body.data.map((p: { id: number }) => p.id)).toEqual(expected.slice(0, 17));
    // Without location_strict (its default is false) the search spans every location of the EHR.
    const wide = await get(`/patients?${SD}&location_id=101&per_page=1000`);
    const everyone = [...nex.sandbox.institution.patients.values()].map((p) => p.id).sort((a, b) => a - b);
    expect(everyone.length).toBeGreaterThan(expected.length);
    expect(wide.body.data.map((p: { id: number }) => p.id)).toEqual(everyone);
    expect((await get(`/patients?${SD}`)).status).toBe(400);
    expect((await get(`/patients?${SD}&location_id=101&per_page=1001`)).status).toBe(400);
  });

  it('GET /patients filters by updated_since (inclusive) and GET /patients/{id} answers PatientDetailed or 404', async () => {
    const p = [...nex.sandbox.institution.patients.values()].find((x) => x.location_id === 101)!;
    const since = await get(`/patients?${SD}&location_id=101&per_page=1000&updated_since=${encodeURIComponent(p.updated_at)}`);
    expect(since.body.data.every((x: { updated_at: string }) => x.updated_at >= p.updated_at)).toBe(true);
    expect(since.body.data.map((x: { id: number }) => x.id)).toContain(p.id);
    const one = await get(`/patients/${p.id}?${SD}`);
    expectValid(one.body, '/patients/{id}', 'get', 200);
    expect(one.body.data.location_ids).toEqual([101]);
    const missing = await get(`/patients/999999?${SD}`);
    expect(missing.status).toBe(404);
    expectValid(missing.body, '/patients/{id}', 'get', 404);
  });

  it('GET /appointments requires start and end, filters by patient_ids[] and validates', async () => {
    expect((await get(`/appointments?${SD}&location_id=101`)).status).toBe(400);
    const window = `start=2000-01-01T00:00:00Z&end=2100-01-01T00:00:00Z`;
    const all = await get(`/appointments?${SD}&location_id=101&${window}&per_page=1000`);
    expect(all.status).toBe(200);
    expectValid(all.body, '/appointments', 'get', 200);
    expect(all.body.data.length).toBe([...nex.sandbox.institution.appointments.values()].filter((a) => a.location_id === 101).length);
    const withPatient = all.body.data.find((a: { patient_id: number | null }) => a.patient_id !== null);
    const mine = await get(`/appointments?${SD}&location_id=101&${window}&patient_ids[]=${withPatient.patient_id}&per_page=100`);
    expect(mine.body.data.length).toBeGreaterThan(0);
    expect(mine.body.data.every((a: { patient_id: number }) => a.patient_id === withPatient.patient_id)).toBe(true);
    const one = await get(`/appointments/${withPatient.id}?${SD}`);
    expect(one.body.data.id).toBe(withPatient.id);
  });

  it('GET /providers, /operatories, /locations validate', async () => {
    const providers = await get(`/providers?${SD}&location_id=101&per_page=100`);
    expectValid(providers.body, '/providers', 'get', 200);
    expect(providers.body.data.length).toBeGreaterThan(0);
    const inactive = await get(`/providers?${SD}&inactive=true`);
    expect(inactive.body.data.every((p: { inactive: boolean }) => p.inactive)).toBe(true);
    const ops = await get(`/operatories?${SD}&location_id=101`);
    expectValid(ops.body, '/operatories', 'get', 200);
    expect(ops.body.data).toHaveLength(3);
    const locations = await get(`/locations?${SD}`);
    expectValid(locations.body, '/locations', 'get', 200);
    expect(locations.body.data[0].locations).toHaveLength(3);
  });

  it('GET /insurance_coverages (patient_id), /patients/{id}/documents and /guarantor_balances validate', async () => {
    const c = [...nex.sandbox.institution.coverages.values()].find((x) => x.active)!;
    const coverages = await get(`/insurance_coverages?${SD}&patient_id=${c.patient_id}`);
    expectValid(coverages.body, '/insurance_coverages', 'get', 200);
    expect(coverages.body.data.map((x: { id: number }) => x.id)).toContain(c.id);
    const d = [...nex.sandbox.institution.documents.values()][0];
    const docs = await get(`/patients/${d.patient_id}/documents?${SD}`);
    expectValid(docs.body, '/patients/{id}/documents', 'get', 200);
    expect(docs.body.count).toBe(docs.body.data.length);
    expect((await get(`/guarantor_balances?${SD}&location_id=101`)).status).toBe(400);
    const balances = await get(`/guarantor_balances?${SD}&location_id=101&updated_since=1970-01-01T00:00:00Z&show_zero_balances=true&per_page=1000`);
    expectValid(balances.body, '/guarantor_balances', 'get', 200);
    expect(balances.body.data.length).toBe([...nex.sandbox.institution.balances.values()].filter((b) => b.location_id === 101).length);
  });

  it('answers 429 with Retry-After when a lowered limit is exceeded', async () => {
    nex.sandbox.configure({ rateLimits: { appointmentsPerSecond: 2 } });
    const path = `/appointments?${SD}&location_id=101&start=2000-01-01T00:00:00Z&end=2100-01-01T00:00:00Z`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await get(path));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2].headers.get('retry-after')).toBe('1');
    expect(statuses[2].body).toMatchObject({ code: false, error: ['Rate limit exceeded'] });
  });

  it('webhook endpoints and subscriptions: create, list, patch, delete (validated); admin changes deliver signed webhooks', async () => {
    const created = await nexRequest(nex.baseUrl, '/webhook_endpoints', { method: 'POST', token, body: { target_url: receiver.url } });
    expect(created.status).toBe(201);
    expectValid(created.body, '/webhook_endpoints', 'post', 201);
    const endpoint = created.body.data;
    const sub = await nexRequest(nex.baseUrl, `/webhook_endpoints/${endpoint.id}/webhook_subscriptions?${SD}`, { method: 'POST', token, body: { resource_type: 'Patient', event: 'patient_updated' } });
    expectValid(sub.body, '/webhook_endpoints/{id}/webhook_subscriptions', 'post', 201);
    expect((await nexRequest(nex.baseUrl, `/webhook_endpoints/${endpoint.id}/webhook_subscriptions?${SD}`, { method: 'POST', token, body: { resource_type: 'Patient', event: 'nope' } })).status).toBe(400);
    const list = await get('/webhook_endpoints');
    expectValid(list.body, '/webhook_endpoints', 'get', 200);
    const subs = await get(`/webhook_endpoints/${endpoint.id}/webhook_subscriptions`);
    expectValid(subs.body, '/webhook_endpoints/{id}/webhook_subscriptions', 'get', 200);
    expect(subs.body.data).toHaveLength(1);

    const patient = [...nex.sandbox.institution.patients.values()][3];
    const before = patient.updated_at;
    const admin = await nexRequest(nex.baseUrl, `/_admin/patients/${patient.id}`, { method: 'POST', apiKey: 'sandbox-nexhealth-api-key', body: { last_name: "D'Arcy-Núñez", bio: { cell_phone_number: '5035550100' } } });
    expect(admin.status).toBe(200);
    expect(admin.body.data.updated_at > before).toBe(true);
    expect(admin.body.deliveries).toEqual([expect.objectContaining({ endpointId: endpoint.id, ok: true, attempt: 0 })]);
    await receiver.waitFor(1);
    const delivery = receiver.received[0];
    const payload = JSON.parse(delivery.body.toString('utf8'));
    expect(payload).toMatchObject({ resource_type: 'Patient', event_name: 'patient_updated', delivery_errors: [], data: { patients: [{ id: patient.id, last_name: "D'Arcy-Núñez" }] } });
    const verdict = new NexHealthVerifier().verify({ body: delivery.body, headers: delivery.headers as Record<string, string> }, { secrets: [endpoint.secret_key] });
    expect(verdict).toEqual({ ok: true, deliveryId: null });

    const patched = await nexRequest(nex.baseUrl, `/webhook_endpoints/${endpoint.id}`, { method: 'PATCH', token, body: { active: false } });
    expectValid(patched.body, '/webhook_endpoints/{id}', 'patch', 200);
    expect(patched.body.data.active).toBe(false);
    expect((await nexRequest(nex.baseUrl, `/webhook_endpoints/${endpoint.id}/webhook_subscriptions/${sub.body.data.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await nexRequest(nex.baseUrl, `/webhook_endpoints/${endpoint.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await get('/webhook_endpoints')).body.data).toHaveLength(0);
  });

  it('retries failed deliveries on the scaled schedule, then marks the endpoint inactive', async () => {
    expect(RETRY_SCHEDULE_MS.map((ms) => ms / 1000)).toEqual([30, 90, 210, 600, 1800, 7200, 18000, 36000, 86400, 172800]);
    nex.sandbox.configure({ webhookTimeScale: 0.00001 });
    const failing = await startReceiver();
    failing.status = 500;
    try {
      const endpoint = (await nexRequest(nex.baseUrl, '/webhook_endpoints', { method: 'POST', token, body: { target_url: failing.url } })).body.data;
      await nexRequest(nex.baseUrl, `/webhook_endpoints/${endpoint.id}/webhook_subscriptions?${SD}`, { method: 'POST', token, body: { resource_type: 'Appointment', event: 'appointment_created' } });
      const patient = [...nex.sandbox.institution.patients.values()][5];
      const booked = await nexRequest(nex.baseUrl, '/_admin/appointments', { method: 'POST', apiKey: 'sandbox-nexhealth-api-key', body: { patient_id: patient.id, start_time: '2030-03-04T17:00:00Z' } });
      expect(booked.status).toBe(201);
      await failing.waitFor(11, 8000);
      for (let i = 0; i < 50 && nex.sandbox.endpoints.get(endpoint.id)!.active; i++) await sleep(20);
      expect(nex.sandbox.endpoints.get(endpoint.id)!.active).toBe(false);
      const attempts = nex.sandbox.deliveries().filter((d) => d.endpointId === endpoint.id).map((d) => d.attempt);
      expect(attempts).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(JSON.parse(failing.received[10].body.toString()).delivery_errors).toHaveLength(10);
    } finally {
      nex.sandbox.configure({ webhookTimeScale: 1 });
      await failing.close();
    }
  });

  it('answers 404 on every route when disabled', async () => {
    const off = await startNexSandbox({ enabled: false });
    try {
      expect((await nexRequest(off.baseUrl, '/authenticates', { method: 'POST', apiKey: 'sandbox-nexhealth-api-key' })).status).toBe(404);
      expect((await nexRequest(off.baseUrl, `/patients?${SD}&location_id=101`, { token })).status).toBe(404);
      expect((await nexRequest(off.baseUrl, '/_admin/state', { apiKey: 'sandbox-nexhealth-api-key' })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
