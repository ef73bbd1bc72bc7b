import IORedis from 'ioredis';
import { OpenDentalApiAdapter } from '../../src/providers/opendental-api/opendental-api.adapter';
import { AdapterContext } from '../../src/providers/provider-adapter';
import { ProviderExceptionCode } from '../../src/providers/provider.exception';
import { apiContext, ApiSandbox, buildOffice, makeAdapter, readAll, startApiSandbox, TEST_REDIS_URL } from '../helpers/opendental-api';
import { specDatabase } from '../helpers/sandbox';

/**
 * The `opendental-api` adapter turns a 403 or 404 of one resource's list endpoint into a
 * resource-level failure (RESOURCE_FORBIDDEN / RESOURCE_NOT_FOUND), and probes readability with
 * one `Limit=1` request per endpoint. The sandbox injects the statuses (an API version without
 * an endpoint, a developer whose permissions leave one out).
 */
const DB = specDatabase('od_spec_api_access');
const KEY = `spec-access-${process.pid}`;

let api: ApiSandbox;
let redis: IORedis;
let adapter: OpenDentalApiAdapter;
let ctx: AdapterContext;

beforeAll(async () => {
  await buildOffice(DB, 60, 5);
  api = await startApiSandbox(`spec-access-${process.pid}`);
  await api.sandbox.registerCustomer({ customerKey: KEY, database: DB, minIntervalMs: 0 });
  redis = new IORedis(TEST_REDIS_URL);
  adapter = makeAdapter(redis, { intervalMs: 0, throttleKeyPrefix: `spec-access-${process.pid}` });
  ctx = apiContext(api.baseUrl, KEY);
});

afterEach(() => api.sandbox.clearFaults(KEY));

afterAll(async () => {
  await api?.close();
  await redis?.quit();
});

it('a 404 on GET /patplans fails the coverages read with RESOURCE_NOT_FOUND naming the request, not the vendor text', async () => {
  api.sandbox.injectFaults(KEY, { status: 404, body: 'Patient Smith has no such thing', pathIncludes: '/patplans', count: 10 });
  const error = await readAll(adapter, ctx, 'coverages').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_NOT_FOUND, temporary: false, message: 'OpenDental does not offer GET /patplans here (404)' });
  expect(String((error as Error).message)).not.toContain('Smith');
});

it('a 403 on GET /documents fails the documents read with RESOURCE_FORBIDDEN; other resources still read', async () => {
  api.sandbox.injectFaults(KEY, { status: 403, pathIncludes: '/documents', count: 1000 });
  const error = await readAll(adapter, ctx, 'documents').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_FORBIDDEN, temporary: false });
  const patients = await readAll(adapter, ctx, 'patients');
  expect(patients.records.size).toBeGreaterThan(0);
});

it('other 4xx keep their codes and still fail the job as before (a 400 is BAD_REQUEST)', async () => {
  api.sandbox.injectFaults(KEY, { status: 400, body: 'Limit is invalid', pathIncludes: '/operatories', count: 1 });
  const error = await readAll(adapter, ctx, 'locations').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: ProviderExceptionCode.BAD_REQUEST });
});

it('probeResources: one Limit=1 request per endpoint; the injected statuses make coverages and documents unreadable', async () => {
  let before = api.sandbox.requests(KEY).length;
  const clean = await adapter.probeResources(ctx);
  expect(api.sandbox.requests(KEY).length - before).toBe(9);
  for (const resource of adapter.descriptor.capabilities.resources) expect(clean[resource]).toEqual({ readable: true });

  api.sandbox.injectFaults(KEY, { status: 404, pathIncludes: '/insplans', count: 10 });
  api.sandbox.injectFaults(KEY, { status: 403, pathIncludes: '/documents', count: 10 });
  before = api.sandbox.requests(KEY).length;
  const probed = await adapter.probeResources(ctx);
  expect(api.sandbox.requests(KEY).length - before).toBe(8); // coverages stop at the failing /insplans: /carriers is not asked
  expect(probed.patients).toEqual({ readable: true });
  expect(probed.appointments).toEqual({ readable: true });
  expect(probed.coverages).toEqual({ readable: false, code: 'resource_not_found', message: 'OpenDental does not offer GET /insplans here (404)' });
  expect(probed.documents).toMatchObject({ readable: false, code: 'resource_forbidden' });
});

it('probeResources: a read-only remote key is not probed (one request per 5 s)', async () => {
  const slow = makeAdapter(redis, { throttleKeyPrefix: `spec-access-ro-${process.pid}` });
  const probed = await slow.probeResources(apiContext(api.baseUrl, KEY, { readOnly: true }));
  expect(probed.patients).toMatchObject({ readable: null, reason: expect.stringContaining('read-only') });
});
