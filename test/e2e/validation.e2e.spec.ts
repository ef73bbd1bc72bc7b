import { Response } from 'supertest';
import { bootApp, createOrg, TestApp } from '../helpers/app';

/** A config that passes the opendental-db schema; no server is contacted by create/update. */
const CONFIG = { host: '127.0.0.1', port: 3306, database: 'od_spec_validation', username: 'reader', timeZone: 'America/Chicago' };
const VALID = { vendor: 'opendental-db', name: 'Validation office', environment: 'sandbox', config: CONFIG, credentials: { password: 'pw-validation' } };

/** A stack trace line ("    at fn (file:1:2)") must never reach a client. */
function expectNoStack(res: Response): void {
  expect(res.text).not.toMatch(/\n\s+at /);
  expect(res.text).not.toMatch(/\.(ts|js):\d+:\d+/);
}

/** 400 whose message and details name `field`. */
function expectFieldError(res: Response, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.any(String), requestId: res.headers['x-request-id'] });
  expect(res.body.message).toContain(field);
  expect(Array.isArray(res.body.details)).toBe(true);
  expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  expectNoStack(res);
}

describe('validation: bad input answers 400 naming the field', () => {
  let t: TestApp;
  let auth: string;
  let integrationId: string;

  beforeAll(async () => {
    t = await bootApp();
    auth = (await createOrg(t, 'Validation Dental')).auth;
    const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, enabled: false }).expect(201);
    integrationId = res.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const integrationCases: Array<{ name: string; body: Record<string, unknown>; field: string }> = [
    { name: 'an unknown top-level field', body: { ...VALID, extra: 1 }, field: 'extra' },
    { name: 'name of the wrong type', body: { ...VALID, name: 5 }, field: 'name' },
    { name: 'an empty name', body: { ...VALID, name: '   ' }, field: 'name' },
    { name: 'an unknown vendor', body: { ...VALID, vendor: 'nope' }, field: 'vendor' },
    { name: 'a bad environment', body: { ...VALID, environment: 'staging' }, field: 'environment' },
    { name: 'enabled of the wrong type', body: { ...VALID, enabled: 'yes' }, field: 'enabled' },
    { name: 'config that is not an object', body: { ...VALID, config: 'host=x' }, field: 'config' },
    { name: 'config missing host', body: { ...VALID, config: { ...CONFIG, host: undefined } }, field: 'config.host' },
    { name: 'config.port not an integer', body: { ...VALID, config: { ...CONFIG, port: 'x' } }, field: 'config.port' },
    { name: 'config.port out of range', body: { ...VALID, config: { ...CONFIG, port: 70000 } }, field: 'config.port' },
    { name: 'an unknown config field', body: { ...VALID, config: { ...CONFIG, colour: 'blue' } }, field: 'config.colour' },
    { name: 'a bad config.timeZone', body: { ...VALID, config: { ...CONFIG, timeZone: 'Mars/Olympus_Mons' } }, field: 'config.timeZone' },
    { name: 'a bad config.patientStatuses item', body: { ...VALID, config: { ...CONFIG, patientStatuses: ['Deleted'] } }, field: 'config.patientStatuses.0' },
    { name: 'credentials missing password', body: { ...VALID, credentials: {} }, field: 'credentials.password' },
    { name: 'credentials.password not a string', body: { ...VALID, credentials: { password: 12345 } }, field: 'credentials.password' },
    { name: 'an unknown credential field', body: { ...VALID, credentials: { password: 'pw', token: 'x' } }, field: 'credentials.token' },
    { name: 'a bad syncSchedule', body: { ...VALID, syncSchedule: 'every day at noon' }, field: 'syncSchedule' },
  ];

  describe('POST /api/v1/integrations', () => {
    it.each(integrationCases)('$name → 400 naming $field', async ({ body, field }) => {
      const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).send(body);
      expectFieldError(res, field);
    });

    it('a 400 never leaves a half-written integration (list, audit trail and table unchanged)', async () => {
      const list = await t.http.get('/api/v1/integrations').set('Authorization', auth).expect(200);
      expect(list.body.map((i: { id: string }) => i.id)).toEqual([integrationId]);
      const created = await t.http.get('/api/v1/audit-events?action=integration.created').set('Authorization', auth).expect(200);
      expect(created.body.data).toHaveLength(1);
      // Config valid, credentials invalid: nothing may be written before the credentials are checked.
      const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, credentials: { password: '' } });
      expectFieldError(res, 'credentials.password');
      const after = await t.http.get('/api/v1/integrations').set('Authorization', auth).expect(200);
      expect(after.body).toHaveLength(1);
    });
  });

  describe('PATCH /api/v1/integrations/:id and toggle', () => {
    it('a bad field in a PATCH is 400 naming it, and nothing of the PATCH is applied', async () => {
      const before = await t.http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).expect(200);
      const res = await t.http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth)
        .send({ name: 'Renamed', config: { ...CONFIG, port: 'x' } });
      expectFieldError(res, 'config.port');
      const creds = await t.http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth)
        .send({ name: 'Renamed', credentials: { password: 7 } });
      expectFieldError(creds, 'credentials.password');
      const schedule = await t.http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth)
        .send({ name: 'Renamed', syncSchedule: '61 * * * *' });
      expectFieldError(schedule, 'syncSchedule');
      const after = await t.http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).expect(200);
      expect(after.body.name).toBe(before.body.name);
      expect(after.body.config).toEqual(before.body.config);
      expect(after.body.updatedAt).toBe(before.body.updatedAt);
      const audit = await t.http.get(`/api/v1/audit-events?targetId=${integrationId}`).set('Authorization', auth).expect(200);
      expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['integration.created']);
    });

    it('unknown PATCH fields and a vendor change are refused', async () => {
      expectFieldError(await t.http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).send({ colour: 'red' }), 'colour');
      expectFieldError(await t.http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).send({ vendor: 'opendental-api' }), 'vendor');
    });

    it('toggle needs a boolean `enabled`', async () => {
      expectFieldError(await t.http.post(`/api/v1/integrations/${integrationId}/toggle`).set('Authorization', auth).send({ enabled: 'yes' }), 'enabled');
      expectFieldError(await t.http.post(`/api/v1/integrations/${integrationId}/toggle`).set('Authorization', auth).send({}), 'enabled');
    });

    it('a path id that is not a uuid is 400, not 404 or 500', async () => {
      const res = await t.http.get('/api/v1/integrations/not-a-uuid').set('Authorization', auth);
      expect(res.status).toBe(400);
      expectNoStack(res);
    });
  });

  describe('POST /api/v1/sync/jobs', () => {
    const jobCases = (): Array<{ name: string; body: Record<string, unknown>; field: string }> => [
      { name: "mode 'weird'", body: { integrationId, mode: 'weird' }, field: 'mode' },
      { name: 'a missing mode', body: { integrationId }, field: 'mode' },
      { name: "resources ['bogus']", body: { integrationId, mode: 'full', resources: ['bogus'] }, field: 'resources' },
      { name: 'resources not an array', body: { integrationId, mode: 'full', resources: 'patients' }, field: 'resources' },
      { name: 'an empty resources array', body: { integrationId, mode: 'full', resources: [] }, field: 'resources' },
      { name: 'limit 0', body: { integrationId, mode: 'full', limit: 0 }, field: 'limit' },
      { name: 'limit 1.5', body: { integrationId, mode: 'full', limit: 1.5 }, field: 'limit' },
      { name: 'an integrationId that is not a uuid', body: { integrationId: 'abc', mode: 'full' }, field: 'integrationId' },
      { name: 'an unknown field', body: { integrationId, mode: 'full', priority: 'high' }, field: 'priority' },
    ];

    it('each bad body → 400 naming the field', async () => {
      for (const { name, body, field } of jobCases()) {
        const res = await t.http.post('/api/v1/sync/jobs').set('Authorization', auth).send(body);
        try {
          expectFieldError(res, field);
        } catch (error) {
          throw new Error(`${name}: ${(error as Error).message}`);
        }
      }
    });

    it('a resource the vendor does not support → 400 naming resources', async () => {
      await t.http.post(`/api/v1/integrations/${integrationId}/toggle`).set('Authorization', auth).send({ enabled: true }).expect(200);
      try {
        const res = await t.http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode: 'full', resources: ['balances'] });
        expectFieldError(res, 'resources');
      } finally {
        await t.http.post(`/api/v1/integrations/${integrationId}/toggle`).set('Authorization', auth).send({ enabled: false }).expect(200);
      }
      const jobs = await t.http.get('/api/v1/sync/jobs').set('Authorization', auth).expect(200);
      expect(jobs.body.data).toEqual([]);
    });
  });

  describe('query parameters', () => {
    const queryCases: Array<{ path: string; field: string }> = [
      { path: '/api/v1/patients?limit=1000', field: 'limit' },
      { path: '/api/v1/patients?limit=0', field: 'limit' },
      { path: '/api/v1/patients?limit=abc', field: 'limit' },
      { path: '/api/v1/patients?birthDate=bad', field: 'birthDate' },
      { path: '/api/v1/patients?cursor=garbage', field: 'cursor' },
      { path: '/api/v1/patients?includeDeleted=maybe', field: 'includeDeleted' },
      { path: '/api/v1/patients?updatedSince=yesterday', field: 'updatedSince' },
      { path: '/api/v1/patients?integrationId=123', field: 'integrationId' },
      { path: '/api/v1/patients?unknown=1', field: 'unknown' },
      { path: '/api/v1/appointments?status=done', field: 'status' },
      { path: '/api/v1/appointments?from=soon', field: 'from' },
      { path: '/api/v1/appointments?patientId=42', field: 'patientId' },
      { path: '/api/v1/sync/jobs?status=bogus', field: 'status' },
      { path: '/api/v1/sync/jobs?limit=501', field: 'limit' },
      { path: '/api/v1/sync/jobs?cursor=garbage', field: 'cursor' },
      { path: '/api/v1/audit-events?from=notadate', field: 'from' },
      { path: '/api/v1/audit-events?cursor=garbage', field: 'cursor' },
      { path: '/api/v1/vendors?category=toys', field: 'category' },
    ];

    it.each(queryCases)('GET $path → 400 naming $field', async ({ path, field }) => {
      expectFieldError(await t.http.get(path).set('Authorization', auth), field);
    });

    // A cursor is opaque: one that decodes to JSON of the right arity but wrong values was
    // tampered with and must be refused like any bad input, never reach SQL as a 500.
    const tampered = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const tamperedCases: Array<{ name: string; path: () => string }> = [
      { name: 'patients (keyset on id)', path: () => `/api/v1/patients?cursor=${tampered(['not-a-uuid'])}` },
      { name: 'patients with updatedSince (keyset on updatedAt, id)', path: () => `/api/v1/patients?updatedSince=2020-01-01T00:00:00Z&cursor=${tampered(['not-a-date', 'x'])}` },
      { name: 'sync jobs', path: () => `/api/v1/sync/jobs?cursor=${tampered(['not-a-date', 'not-a-uuid'])}` },
      { name: 'audit events', path: () => `/api/v1/audit-events?cursor=${tampered(['abc'])}` },
    ];

    it.each(tamperedCases)('a well-formed but tampered cursor on $name → 400 naming cursor (not 500)', async ({ path }) => {
      const res = await t.http.get(path()).set('Authorization', auth);
      expectNoStack(res);
      expectFieldError(res, 'cursor');
    });
  });

  describe('bodies', () => {
    it('malformed JSON → 400 with a clear message and no stack', async () => {
      const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).set('Content-Type', 'application/json').send('{"vendor": "opendental-db",');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/json/i), requestId: expect.any(String) });
      expectNoStack(res);
    });

    it('a body over 1 MB → 413', async () => {
      const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, name: 'x'.repeat(1_100_000) });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, requestId: expect.any(String) });
      expectNoStack(res);
    });

    it('a body just under 1 MB is parsed (then refused for its content, naming the field)', async () => {
      const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, name: 'x'.repeat(900_000) });
      expectFieldError(res, 'name'); // longer than 200 characters
    });

    it('after all of the above the organization still has exactly one integration and no job', async () => {
      const list = await t.http.get('/api/v1/integrations').set('Authorization', auth).expect(200);
      expect(list.body.map((i: { id: string }) => i.id)).toEqual([integrationId]);
      const jobs = await t.http.get('/api/v1/sync/jobs').set('Authorization', auth).expect(200);
      expect(jobs.body.data).toEqual([]);
    });
  });
});
