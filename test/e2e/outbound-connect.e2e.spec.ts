import { bootAppWith, createOrg, TestApp } from '../helpers/app';

/**
 * Connect-time half of the outbound-address policy: a host NAME passes the configuration check
 * (only its addresses can be judged), so the check must happen again on the resolved addresses
 * when connecting. `localhost` resolves to loopback, which is refused unless listed.
 */
describe('outbound-address policy at connect time (ALLOWED_PRIVATE_NETWORKS unset)', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await bootAppWith({ ALLOWED_PRIVATE_NETWORKS: undefined });
    auth = (await createOrg(t, 'Rebinding Dental')).auth;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a database host name that resolves to loopback is refused when connecting, with a clear message and no retry', async () => {
    const created = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Resolves to loopback', environment: 'sandbox', enabled: false,
      config: { host: 'localhost', port: 3306, database: 'mysql', username: 'root', timeZone: 'UTC' }, credentials: { password: 'x' },
    }).expect(201);
    const started = Date.now();
    const res = await t.http.post(`/api/v1/integrations/${created.body.id}/test`).set('Authorization', auth).expect(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.message).toMatch(/outbound-address policy: loopback address/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an API base URL whose name resolves to loopback is refused before any request is sent', async () => {
    const created = await t.http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-api', name: 'API on loopback', environment: 'sandbox', enabled: false,
      config: { baseUrl: 'http://localhost:9/api/v1', apiMode: 'local', timeZone: 'UTC' }, credentials: { developerKey: 'd', customerKey: 'c' },
    }).expect(201);
    const res = await t.http.post(`/api/v1/integrations/${created.body.id}/test`).set('Authorization', auth).expect(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.message).toMatch(/outbound-address policy: loopback address/);
  });
});
