import { DataSource } from 'typeorm';
import { FHIR_SANDBOX_PREFIX, FhirSandbox } from '../../src/sandbox/fhir';
import { bootApp, createOrg, TestApp } from '../helpers/app';
import { keyPair } from '../helpers/fhir';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

/**
 * Hub-generated client keys (issue 9 "Keys"): an Epic integration created without credentials
 * gets an RS384 key pair (ES384 → P-384); `GET /api/v1/integrations/:id/jwks.json` answers anyone
 * with public members only and 404 for unknown ids or integrations with their own key; the
 * sandbox's token endpoint verifies assertions against that JWKS URL; rotation keeps the old key
 * for the grace period; another organization gets 404.
 */
describe('FHIR: hub-generated client keys, JWKS route and rotation', () => {
  let t: TestApp;
  let org: { auth: string };
  let other: { auth: string };
  let sandbox: FhirSandbox;
  let origin: string;
  let rsaId: string;
  const as = (auth: string) => ({ post: (path: string, body?: object) => t.http.post(path).set('Authorization', auth).send(body) });
  const base = (tenant: string) => `${origin}${FHIR_SANDBOX_PREFIX}/epic/${tenant}`;
  const jwks = (id: string) => t.http.get(`/api/v1/integrations/${id}/jwks.json`);
  const create = async (auth: string, config: Record<string, unknown>, credentials?: Record<string, string>) =>
    (await as(auth).post('/api/v1/integrations', { vendor: 'epic', name: 'Epic', environment: 'sandbox', config, ...(credentials ? { credentials } : {}) }).expect(201)).body;

  beforeAll(async () => {
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    origin = `http://127.0.0.1:${port}`;
    sandbox = t.app.get(FhirSandbox);
    org = await createOrg(t, 'Keys Clinic');
    other = await createOrg(t, 'Other Clinic');
    const created = await create(org.auth, { fhirBaseUrl: base('keys'), clientId: 'hub-jwks' });
    rsaId = created.id;
    expect(created.config.keyId).toEqual(expect.any(String));
    expect(JSON.stringify(created)).not.toContain('PRIVATE KEY');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the public key without authentication: RS384 RSA 2048, no private members', async () => {
    const res = await jwks(rsaId).expect(200);
    expect(res.headers['cache-control']).toContain('max-age');
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS384', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(key.n, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
    for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    const ec = await create(org.auth, { fhirBaseUrl: base('keys-ec'), clientId: 'hub-jwks-ec', signingAlgorithm: 'ES384' });
    const ecKey = (await jwks(ec.id).expect(200)).body.keys[0];
    expect(ecKey).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', kid: ec.config.keyId });
    for (const member of PRIVATE_MEMBERS) expect(ecKey).not.toHaveProperty(member);
  });

  it('404 for an unknown id, a malformed id, and an integration that brought its own key', async () => {
    await jwks('00000000-0000-4000-8000-000000000000').expect(404);
    await jwks('not-a-uuid').expect(404);
    const own = await create(org.auth, { fhirBaseUrl: base('own'), clientId: 'own', keyId: 'k1' }, { privateKey: keyPair('RS384').privatePem });
    await jwks(own.id).expect(404);
    await as(org.auth).post(`/api/v1/integrations/${own.id}/rotate-key`).expect(400);
  });

  it('the sandbox verifies assertions against the registered JWKS URL; rotation keeps the old key for the grace period', async () => {
    sandbox.registerClient('hub-jwks', { jwksUrl: `${origin}/api/v1/integrations/${rsaId}/jwks.json` });
    expect((await as(org.auth).post(`/api/v1/integrations/${rsaId}/test`).expect(200)).body.ok).toBe(true);
    const before = (await jwks(rsaId)).body.keys[0].kid;

    await as(other.auth).post(`/api/v1/integrations/${rsaId}/rotate-key`).expect(404);
    const rotation = (await as(org.auth).post(`/api/v1/integrations/${rsaId}/rotate-key`).expect(200)).body;
    expect(rotation).toMatchObject({ kid: expect.any(String), retiring: [{ kid: before, retireAt: expect.any(String) }] });
    expect(Date.parse(rotation.retiring[0].retireAt) - Date.now()).toBeGreaterThan(23 * 3600_000); // CLIENT_KEY_GRACE_SECONDS default: 1 day
    const both = (await jwks(rsaId).expect(200)).body.keys.map((k: { kid: string }) => k.kid);
    expect(both).toEqual([rotation.kid, before]);

    // The new key signs now: the sandbox reads the JWKS again for the unknown kid and accepts it.
    sandbox.expireAllTokens();
    const log = sandbox.tenant('epic', 'keys').log;
    const issued = () => log.filter((e) => e.path.endsWith('/auth/token') && e.status === 200).length;
    const tokensBefore = issued();
    expect((await as(org.auth).post(`/api/v1/integrations/${rsaId}/test`).expect(200)).body.ok).toBe(true);
    expect(issued()).toBe(tokensBefore + 1); // one token, minted with an assertion signed by the new key

    // After the grace period only the new key is published.
    await t.app.get(DataSource).query(`UPDATE integration_client_keys SET retire_at = now() - interval '1 second' WHERE integration_id = $1 AND retire_at IS NOT NULL`, [rsaId]);
    expect((await jwks(rsaId).expect(200)).body.keys.map((k: { kid: string }) => k.kid)).toEqual([rotation.kid]);
  });

  it('the catalog says FHIR vendors can use hub-generated keys', async () => {
    const vendors = (await t.http.get('/api/v1/vendors').set('Authorization', org.auth).expect(200)).body as Array<{ id: string; capabilities: { clientKeys: boolean } }>;
    expect(vendors.find((v) => v.id === 'epic')!.capabilities.clientKeys).toBe(true);
    expect(vendors.find((v) => v.id === 'nexhealth')!.capabilities.clientKeys).toBe(false);
  });
});
