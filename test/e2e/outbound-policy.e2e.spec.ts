import { bootAppWith, createOrg, TestApp } from '../helpers/app';

const DB_CONFIG = { port: 3306, database: 'od_spec_outbound', username: 'reader', timeZone: 'America/Chicago' };
const API_CREDENTIALS = { developerKey: 'dev-key-outbound', customerKey: 'customer-key-outbound' };

/** Runs `run` on an app booted with `overrides` and ALLOWED_PRIVATE_NETWORKS unset. */
async function withEnv<T>(overrides: Record<string, string | undefined>, run: (t: TestApp, auth: string) => Promise<T>): Promise<T> {
  const t = await bootAppWith({ ALLOWED_PRIVATE_NETWORKS: undefined, ...overrides });
  try {
    return await run(t, (await createOrg(t, 'Outbound Dental')).auth);
  } finally {
    await t.close();
  }
}

const PRODUCTION = { NODE_ENV: 'production', ADMIN_API_KEY: 'production-admin-key-outbound', ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') };

/** Every class the policy refuses, in the spellings an attacker would try. */
const REFUSED_HOSTS = [
  '127.0.0.1', '127.1', '0x7f.1', '2130706433', '0177.0.0.1', '::1', '::ffff:127.0.0.1',
  '0.0.0.0', '::', '169.254.10.1', 'fe80::1', '169.254.169.254', 'fd00:ec2::254', '100.100.100.200',
  'metadata.google.internal', 'metadata.google.internal.', '10.0.0.12', '172.16.4.4', '192.168.1.20', '100.64.0.9', 'fc00::1',
];

describe('outbound-address policy with ALLOWED_PRIVATE_NETWORKS unset (NODE_ENV=production)', () => {
  it.each(['sandbox', 'production'])('refuses every loopback, unspecified, link-local, metadata and private host (environment %s) with 400 naming the field', async (environment) => {
    await withEnv(PRODUCTION, async (t, auth) => {
      for (const host of REFUSED_HOSTS) {
        const db = await t.http.post('/api/v1/integrations').set('Authorization', auth)
          .send({ vendor: 'opendental-db', name: 'Office', environment, config: { ...DB_CONFIG, host }, credentials: { password: 'pw' } });
        expect({ host, status: db.status }).toEqual({ host, status: 400 });
        expect(db.body.details.map((d: { field: string }) => d.field)).toContain('config.host');
        const urlHost = host.includes(':') ? `[${host}]` : host;
        const api = await t.http.post('/api/v1/integrations').set('Authorization', auth)
          .send({ vendor: 'opendental-api', name: 'Office API', environment, config: { baseUrl: `https://${urlHost}/api/v1`, timeZone: 'UTC' }, credentials: API_CREDENTIALS });
        expect({ host, status: api.status }).toEqual({ host, status: 400 });
        expect(api.body.details.map((d: { field: string }) => d.field)).toContain('config.baseUrl');
        expect(api.body.message).toMatch(/config\.baseUrl is not allowed/);
      }
    });
  });

  it('requires https for base URLs in production, and accepts a public https one', async () => {
    await withEnv(PRODUCTION, async (t, auth) => {
      const http = await t.http.post('/api/v1/integrations').set('Authorization', auth)
        .send({ vendor: 'opendental-api', name: 'Plain http', environment: 'production', config: { baseUrl: 'http://api.opendental.com/api/v1', timeZone: 'UTC' }, credentials: API_CREDENTIALS });
      expect(http.status).toBe(400);
      expect(http.body.message).toMatch(/https/);
      await t.http.post('/api/v1/integrations').set('Authorization', auth)
        .send({ vendor: 'opendental-api', name: 'Cloud', environment: 'production', config: { baseUrl: 'https://api.opendental.com/api/v1', timeZone: 'UTC' }, credentials: API_CREDENTIALS, enabled: false })
        .expect(201);
    });
  });

  it('refuses the same hosts on update (PATCH) too', async () => {
    await withEnv(PRODUCTION, async (t, auth) => {
      const created = await t.http.post('/api/v1/integrations').set('Authorization', auth)
        .send({ vendor: 'opendental-db', name: 'Office', environment: 'production', config: { ...DB_CONFIG, host: 'db.office.example.com' }, credentials: { password: 'pw' }, enabled: false })
        .expect(201);
      const res = await t.http.patch(`/api/v1/integrations/${created.body.id}`).set('Authorization', auth).send({ config: { ...DB_CONFIG, host: '0x7f.1' } });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('config.host');
    });
  });
});

describe('outbound-address policy: listed networks', () => {
  it('allows a listed private network (an office VPN) over plain http, but never metadata', async () => {
    await withEnv({ ...PRODUCTION, ALLOWED_PRIVATE_NETWORKS: '10.20.0.0/16' }, async (t, auth) => {
      await t.http.post('/api/v1/integrations').set('Authorization', auth)
        .send({ vendor: 'opendental-api', name: 'Local API', environment: 'production', config: { baseUrl: 'http://10.20.1.5:30222/api/v1', apiMode: 'local', timeZone: 'UTC' }, credentials: API_CREDENTIALS, enabled: false })
        .expect(201);
      await t.http.post('/api/v1/integrations').set('Authorization', auth)
        .send({ vendor: 'opendental-db', name: 'Office DB', environment: 'production', config: { ...DB_CONFIG, host: '10.20.0.12' }, credentials: { password: 'pw' }, enabled: false })
        .expect(201);
      const other = await t.http.post('/api/v1/integrations').set('Authorization', auth)
        .send({ vendor: 'opendental-db', name: 'Other net', environment: 'production', config: { ...DB_CONFIG, host: '10.21.0.12' }, credentials: { password: 'pw' } });
      expect(other.status).toBe(400);
    });
    await withEnv({ ...PRODUCTION, ALLOWED_PRIVATE_NETWORKS: '0.0.0.0/0,::/0' }, async (t, auth) => {
      for (const host of ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', 'metadata.google.internal']) {
        const res = await t.http.post('/api/v1/integrations').set('Authorization', auth)
          .send({ vendor: 'opendental-db', name: 'Metadata', environment: 'sandbox', config: { ...DB_CONFIG, host }, credentials: { password: 'pw' } });
        expect({ host, status: res.status }).toEqual({ host, status: 400 });
      }
    });
  });
});
