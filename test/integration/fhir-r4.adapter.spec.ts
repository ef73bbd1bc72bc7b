import { createHash } from 'node:crypto';
import IORedis from 'ioredis';
import { FhirR4Adapter } from '../../src/providers/fhir-r4/fhir-r4.adapter';
import { ProviderException, ProviderExceptionCode } from '../../src/providers/provider.exception';
import { ProviderAdapter, ResourceType } from '../../src/providers/provider-adapter';
import { signClientAssertion } from '../../src/providers/fhir/client-assertion';
import { SandboxResourceType } from '../../src/sandbox/fhir';
import { fhirContext, FhirSandboxHost, keyPair, makeFhirAdapter, startFhirSandbox } from '../helpers/fhir';
import { readToEnd } from '../helpers/read-all';
import { dropKeys } from '../helpers/nexhealth';

const PREFIX = 'fhir-r4-adapter-spec';
const TYPES: Record<string, SandboxResourceType> = {
  providers: 'Practitioner', locations: 'Location', patients: 'Patient', coverages: 'Coverage', appointments: 'Appointment', documents: 'DocumentReference',
};

describe('FhirR4Adapter against the FHIR sandbox', () => {
  let host: FhirSandboxHost;
  let redis: IORedis;
  let adapter: FhirR4Adapter;
  const rsa = keyPair('RS384');
  const ec = keyPair('ES384');
  const other = keyPair('RS384');

  beforeAll(async () => {
    host = await startFhirSandbox({ patients: 80, seed: 11 });
    host.sandbox.registerClient('hub-rsa', { keys: [{ pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'rsa-1' }] });
    host.sandbox.registerClient('hub-ec', { keys: [{ jwk: { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' } }] });
    host.sandbox.registerClient('hub-basic', { clientSecret: 's3cret:with/odd chars' });
    redis = new IORedis(process.env.REDIS_URL!);
    await dropKeys(redis, PREFIX);
    adapter = makeFhirAdapter(redis, PREFIX);
  });
  afterAll(async () => {
    await host.close();
    await dropKeys(redis, PREFIX);
    await redis.quit();
  });

  const rsaCtx = (tenant: string, config: Record<string, unknown> = {}) => fhirContext(host.root, tenant, { clientId: 'hub-rsa', keyId: 'rsa-1', ...config }, { privateKey: rsa.privatePem });
  const data = (tenant: string) => host.sandbox.tenant('fhir-r4', tenant).data;

  it('describes itself, validates config and connects with RS384, ES384 and client_secret_basic (token URL discovered)', async () => {
    expect(adapter.descriptor).toMatchObject({ id: 'fhir-r4', category: 'ehr', capabilities: { resources: expect.arrayContaining(['patients', 'appointments']) } });
    // Read-only: no webhook or write-back capability object.
    expect((adapter as ProviderAdapter).webhooks).toBeUndefined();
    expect((adapter as ProviderAdapter).writeBack).toBeUndefined();
    expect(adapter.validateConfig({ fhirBaseUrl: 'http://169.254.169.254/fhir' })).toEqual([
      { field: 'config.fhirBaseUrl', errors: [expect.stringContaining('link-local')] }, { field: 'config.clientId', errors: ['config.clientId is required'] },
    ]);
    expect(await adapter.testConnection(rsaCtx('alpha'))).toMatchObject({ ok: true, details: { fhirVersion: '4.0.1' } });
    const ecCtx = fhirContext(host.root, 'alpha', { clientId: 'hub-ec', keyId: 'ec-1', signingAlgorithm: 'ES384' }, { privateKey: ec.privatePem });
    expect(await adapter.testConnection(ecCtx)).toMatchObject({ ok: true });
    expect(await adapter.testConnection(fhirContext(host.root, 'alpha', { clientId: 'hub-basic' }, { clientSecret: 's3cret:with/odd chars' }))).toMatchObject({ ok: true });
    expect(await adapter.testConnection(fhirContext(host.root, 'alpha', { clientId: 'hub-basic' }, { clientSecret: 'wrong' })))
      .toMatchObject({ ok: false, details: { code: ProviderExceptionCode.AUTHENTICATION_FAILED, temporary: false } });
  });

  it('full then incremental reads: counts exact, changed rows only, unchanged overlap rows skipped by versionId', async () => {
    const checkpoints: Partial<Record<ResourceType, Record<string, unknown> | null>> = {};
    for (const [resource, type] of Object.entries(TYPES) as Array<[ResourceType, SandboxResourceType]>) {
      const result = await readToEnd(adapter, rsaCtx('beta'), { resource, checkpoint: null, batchSize: 40 });
      expect({ resource, records: result.records.size, failed: result.failed.length }).toEqual({ resource, records: data('beta')[type].size, failed: 0 });
      checkpoints[resource] = result.checkpoint;
    }
    const patients = [...data('beta').Patient.keys()];
    expect(patients.length).toBe(80);
    const changed = [patients[3], patients[40], patients[77]];
    for (const id of changed) host.sandbox.touch('fhir-r4', 'beta', 'Patient', id, (r) => (r.gender = 'other'));
    const incremental = await readToEnd(adapter, rsaCtx('beta'), { resource: 'patients', checkpoint: checkpoints.patients!, batchSize: 40 });
    expect([...incremental.records.keys()].sort()).toEqual([...changed].sort());
    expect(incremental.records.get(changed[0])!.data).toMatchObject({ gender: 'other' });
    const again = await readToEnd(adapter, rsaCtx('beta'), { resource: 'patients', checkpoint: incremental.checkpoint, batchSize: 40 });
    expect(again.records.size).toBe(0);
    const third = await readToEnd(adapter, rsaCtx('beta'), { resource: 'patients', checkpoint: again.checkpoint, batchSize: 40 });
    expect(third.records.size).toBe(0); // rows the overlap re-sends unchanged stay skipped pass after pass
    const appointments = await readToEnd(adapter, rsaCtx('beta'), { resource: 'appointments', checkpoint: checkpoints.appointments!, batchSize: 40 });
    expect(appointments.records.size).toBe(0);
    const deleted = [...data('beta').Appointment.values()].filter((a) => a.status === 'entered-in-error').length;
    expect(deleted).toBeGreaterThan(0);
  });

  it('renews the token when the server expires it in the middle of a search', async () => {
    const log = host.sandbox.tenant('fhir-r4', 'gamma').log;
    const result = await readToEnd(adapter, rsaCtx('gamma', { pageSize: 10 }), { resource: 'patients', checkpoint: null, batchSize: 10 }, (_b, index) => {
      if (index === 2) host.sandbox.expireAllTokens();
    });
    expect(result.records.size).toBe(data('gamma').Patient.size);
    const statuses = log.filter((e) => e.path.endsWith('/Patient')).map((e) => e.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(1);
    expect(log.filter((e) => e.path.endsWith('/auth/token'))).toHaveLength(2);
  });

  it('waits out a 429 burst with Retry-After, and raises a temporary error carrying a wait longer than the cap', async () => {
    host.sandbox.setFaults('fhir-r4', 'delta', { throttle: 2, retryAfter: 1 });
    const started = Date.now();
    const result = await readToEnd(adapter, rsaCtx('delta'), { resource: 'locations', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    host.sandbox.setFaults('fhir-r4', 'delta', { throttle: 1, retryAfter: new Date(Date.now() + 3_600_000).toUTCString() });
    const error = await readToEnd(adapter, rsaCtx('delta'), { resource: 'locations', checkpoint: null, batchSize: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderException);
    expect(error).toMatchObject({ code: ProviderExceptionCode.RATE_LIMITED, temporary: true });
    expect((error as ProviderException).retryAfterMs).toBeGreaterThan(3_500_000);
  });

  it('drops duplicate entries across pages and OperationOutcome entries, and ends on an empty last page', async () => {
    host.sandbox.setFaults('fhir-r4', 'epsilon', { duplicateAcrossPages: true, outcomeEntries: true });
    const total = data('epsilon').Patient.size; // 80 = an exact multiple of 20: the last next link leads to an empty page
    const result = await readToEnd(adapter, rsaCtx('epsilon', { pageSize: 20 }), { resource: 'patients', checkpoint: null, batchSize: 1000 });
    expect(result.records.size).toBe(total);
    expect(result.batches.reduce((n, b) => n + b.records.length, 0)).toBe(total);
    const pages = host.sandbox.tenant('fhir-r4', 'epsilon').log.filter((e) => e.path.endsWith('/Patient') && e.status === 200);
    expect(pages).toHaveLength(total / 20 + 1);
  });

  it('follows next links that name an internal host only with rewriteNextLinks (the base origin put back)', async () => {
    host.sandbox.setFaults('fhir-r4', 'theta', { internalHost: 'http://hapi-internal.invalid:8080' });
    const error = await readToEnd(adapter, rsaCtx('theta', { pageSize: 30 }), { resource: 'patients', checkpoint: null, batchSize: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderException);
    const result = await readToEnd(adapter, rsaCtx('theta', { pageSize: 30, rewriteNextLinks: true }), { resource: 'patients', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(data('theta').Patient.size);
    expect(result.checkpoint).toMatchObject({ next: null });
  });

  it('counts every request in the per-base-URL budget shared through Redis (callsPerMinute)', async () => {
    const ctx = rsaCtx('iota', { pageSize: 20, callsPerMinute: 1000 });
    const result = await readToEnd(adapter, ctx, { resource: 'patients', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(80);
    const pages = host.sandbox.tenant('fhir-r4', 'iota').log.filter((e) => e.path.endsWith('/Patient'));
    expect(pages).toHaveLength(5); // 4 full pages and the empty last one
    const key = `${PREFIX}:rate:${createHash('sha256').update(String(ctx.config.fhirBaseUrl)).digest('hex')}:minute`;
    expect(await redis.zcard(key)).toBe(5);
  });

  describe('refused client assertions are permanent and not retried', () => {
    const tokenUrl = () => `${host.root}/fhir-r4/zeta/auth/token`;
    const post = async (assertion: string) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/Patient.read', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
      const res = await fetch(tokenUrl(), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      return { status: res.status, body: (await res.json()) as { error?: string; access_token?: string } };
    };
    const sign = (claims: { aud?: string; now?: number; key?: string }) =>
      signClientAssertion({ clientId: 'hub-rsa', keyId: 'rsa-1', algorithm: 'RS384', privateKey: claims.key ?? rsa.privatePem, tokenUrl: claims.aud ?? tokenUrl(), now: claims.now });

    it('the sandbox refuses wrong aud, exp over 5 min, a reused jti and a wrong key', async () => {
      expect((await post(sign({}))).body.access_token).toEqual(expect.any(String));
      expect(await post(sign({ aud: 'https://elsewhere.example/token' }))).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client' }) });
      expect((await post(sign({ now: Date.now() + 10 * 60_000 }))).status).toBe(401);
      const once = sign({});
      expect((await post(once)).status).toBe(200);
      expect(await post(once)).toEqual({ status: 401, body: expect.objectContaining({ error: 'invalid_client', error_description: 'jti was already used' }) });
      expect((await post(sign({ key: other.privatePem }))).status).toBe(401);
    });

    it('the adapter reports a wrong key as a permanent AUTHENTICATION_FAILED after one token request', async () => {
      const log = host.sandbox.tenant('fhir-r4', 'eta').log;
      const ctx = fhirContext(host.root, 'eta', { clientId: 'hub-rsa', keyId: 'rsa-1' }, { privateKey: other.privatePem });
      const error = await readToEnd(adapter, ctx, { resource: 'patients', checkpoint: null, batchSize: 10 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ProviderExceptionCode.AUTHENTICATION_FAILED, temporary: false, message: 'Token endpoint refused the client (401 invalid_client)' });
      expect(log.filter((e) => e.path.endsWith('/auth/token'))).toHaveLength(1);
      expect(log.filter((e) => e.path.endsWith('/Patient'))).toHaveLength(0);
    });
  });
});
