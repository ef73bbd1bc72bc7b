import { Response } from 'supertest';
import { MAX_INPUT_DEPTH } from '../../src/common/request-hygiene';
import { bootApp, createOrg, TestApp } from '../helpers/app';

const CONFIG = { host: '127.0.0.1', port: 3306, database: 'od_spec_bad_input', username: 'reader', timeZone: 'America/Chicago' };
const VALID = { vendor: 'opendental-db', name: 'Bad input office', environment: 'sandbox', config: CONFIG, credentials: { password: 'pw-bad-input' } };

/** 400 naming `field` in the message and in details, with no stack trace. */
function expectFieldError(res: Response, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body.message).toContain(field);
  expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  expect(res.text).not.toMatch(/\n\s+at |\.(ts|js):\d+:\d+/);
}

/** `{"a":{"a":…}}` nested `levels` deep, as text (built without recursion). */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('bad input answers 4xx naming the field, never 500', () => {
  let t: TestApp;
  let auth: string;
  let integrationId: string;

  beforeAll(async () => {
    t = await bootApp();
    auth = (await createOrg(t, 'Bad Input Dental')).auth;
    integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, enabled: false }).expect(201)).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a NUL byte in a body string, a nested body string, or a key', async () => {
    expectFieldError(await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, name: 'Office\u0000' }), 'name');
    expectFieldError(await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, config: { ...CONFIG, host: 'db\u0000.local' } }), 'config.host');
    const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({ ...VALID, config: { ...CONFIG, ['x\u0000']: 1 } });
    expectFieldError(res, 'config');
  });

  it('a NUL byte in a query parameter', async () => {
    expectFieldError(await t.http.get('/api/v1/patients?q=ann%00').set('Authorization', auth), 'q');
    expectFieldError(await t.http.get('/api/v1/sync/jobs?status=queued%00').set('Authorization', auth), 'status');
  });

  it(`JSON nested deeper than ${MAX_INPUT_DEPTH} levels, up to 2,000, is refused before validation`, async () => {
    for (const levels of [MAX_INPUT_DEPTH + 1, 2000]) {
      const res = await t.http.post('/api/v1/integrations').set('Authorization', auth).set('Content-Type', 'application/json')
        .send(`{"vendor":"opendental-db","name":"x","environment":"sandbox","config":${nested(levels)},"credentials":{"password":"p"}}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/nested deeper than/);
      expect(res.body.details[0].field).toMatch(/^config(\.a)*$/);
    }
    // Within the limit, the same shape reaches validation and is judged on its fields.
    const ok = await t.http.post('/api/v1/integrations').set('Authorization', auth).set('Content-Type', 'application/json')
      .send(`{"vendor":"opendental-db","name":"x","environment":"sandbox","config":${nested(3)},"credentials":{"password":"p"}}`);
    expect(ok.status).toBe(400);
    expect(ok.body.message).not.toMatch(/nested deeper than/);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('a key named %s is an unknown field (top level and nested)', async (key) => {
    const top = await t.http.post('/api/v1/integrations').set('Authorization', auth).set('Content-Type', 'application/json')
      .send(`{"vendor":"opendental-db","name":"x","environment":"sandbox","config":${JSON.stringify(CONFIG)},"credentials":{"password":"p"},"${key}":{"a":1}}`);
    expectFieldError(top, key);
    const inConfig = await t.http.post('/api/v1/integrations').set('Authorization', auth).set('Content-Type', 'application/json')
      .send(`{"vendor":"opendental-db","name":"x","environment":"sandbox","config":{"${key}":1,"host":"h"},"credentials":{"password":"p"}}`);
    expectFieldError(inConfig, `config.${key}`);
    const inQuery = await t.http.get(`/api/v1/patients?${key}=1`)
    expectFieldError(inQuery, key);
  });

  it.each([
    ['/api/v1/patients?updatedSince=2026-02-30', 'updatedSince'],
    ['/api/v1/patients?updatedSince=2020-13-45', 'updatedSince'],
    ['/api/v1/sync/statistics?from=2026-02-30T00:00:00Z', 'from'],
    ['/api/v1/sync/statistics?to=2026-04-31', 'to'],
    ['/api/v1/audit-events?from=2026-02-29', 'from'],
    ['/api/v1/audit-events?to=2026-01-01T24:30:00Z', 'to'],
  ])('an impossible calendar date: %s', async (url, field) => {
    expectFieldError(await t.http.get(url).set('Authorization', auth), field);
  });

  it('impossible appointment-slots dates', async () => {
    for (const [query, field] of [['dateStart=2026-02-30&dateEnd=2026-03-02', 'dateStart'], ['dateStart=2026-03-01&dateEnd=2026-13-01', 'dateEnd']]) {
      expectFieldError(await t.http.get(`/api/v1/integrations/${integrationId}/appointment-slots?${query}`).set('Authorization', auth), field);
    }
  });

  it('real dates and instants still pass', async () => {
    await t.http.get('/api/v1/sync/statistics?from=2024-02-29&to=2026-12-01T23:59:59.999Z').set('Authorization', auth).expect(200);
    await t.http.get('/api/v1/audit-events?from=2026-11-01T00:00:00%2B01:00').set('Authorization', auth).expect(200);
  });
});
