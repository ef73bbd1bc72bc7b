import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import IORedis from 'ioredis';
import { NexHealthAdapter } from '../../src/providers/nexhealth/nexhealth.adapter';
import { AdapterContext } from '../../src/providers/provider-adapter';
import { ProviderExceptionCode } from '../../src/providers/provider.exception';
import { NEXHEALTH_SANDBOX_PREFIX, NexHealthSandboxModule } from '../../src/sandbox/nexhealth';
import { dropKeys, makeNexAdapter, nexContext, readAll, TEST_REDIS_URL } from '../helpers/nexhealth';

/**
 * The `nexhealth` adapter turns a 403 or 404 NexHealth answers during one resource's read into a
 * resource-level failure, and probes readability with one `per_page=1` request per resource. The
 * sandbox sits behind a front that refuses chosen paths, as NexHealth does for an API key whose
 * role leaves an endpoint out.
 */
const PREFIX = `spec-nex-access-${process.pid}`;
/** Path fragment → status the front answers instead of the sandbox. */
const refusals = new Map<string, number>();

let close: () => Promise<void>;
let redis: IORedis;
let adapter: NexHealthAdapter;
let ctx: AdapterContext;

beforeAll(async () => {
  @Module({ imports: [NexHealthSandboxModule.forRoot({ patients: 40 })] })
  class HostModule {}
  const app = await NestFactory.create(HostModule, { logger: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const refused = [...refusals].find(([fragment]) => req.path.includes(fragment));
    if (!refused) return next();
    res.status(refused[1]).json({ code: false, description: 'Forbidden for patient Jane Roe', error: ['no access'], data: null });
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  close = () => app.close();
  redis = new IORedis(TEST_REDIS_URL);
  adapter = makeNexAdapter(redis, PREFIX);
  ctx = nexContext(`http://127.0.0.1:${port}${NEXHEALTH_SANDBOX_PREFIX}`);
});

afterEach(() => refusals.clear());

afterAll(async () => {
  await close?.();
  await dropKeys(redis, PREFIX);
  await redis?.quit();
});

it('a 403 on GET /insurance_coverages fails the coverages read with RESOURCE_FORBIDDEN, without NexHealth\'s text', async () => {
  refusals.set('/insurance_coverages', 403);
  const error = await readAll(adapter, ctx, 'coverages').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_FORBIDDEN, temporary: false, message: 'NexHealth denied this API key GET /insurance_coverages (403)' });
  expect((await readAll(adapter, ctx, 'patients')).records.size).toBeGreaterThan(0);
});

it('a 404 on a patient\'s documents fails the documents read with RESOURCE_NOT_FOUND, the patient id masked', async () => {
  refusals.set('/documents', 404);
  const error = await readAll(adapter, ctx, 'documents').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: ProviderExceptionCode.RESOURCE_NOT_FOUND, message: 'NexHealth does not offer GET /patients/{id}/documents here (404)' });
});

it.each([400, 422, 409])('a %i whose body names a patient gives a message with the call and status, never NexHealth\'s text', async (status) => {
  refusals.set('/patients', status);
  const error = await readAll(adapter, ctx, 'patients').catch((e: unknown) => e);
  expect(error).toMatchObject({ temporary: false, message: `NexHealth refused GET /patients (${status})` });
  expect(JSON.stringify(error)).not.toMatch(/Jane Roe|no access/);
});

it('probeResources: every resource readable on the plain sandbox; refused paths make their resource unreadable', async () => {
  const clean = await adapter.probeResources(ctx);
  for (const resource of adapter.descriptor.capabilities.resources) expect(clean[resource]).toEqual({ readable: true });
  refusals.set('/guarantor_balances', 403);
  refusals.set('/documents', 404);
  const probed = await adapter.probeResources(ctx);
  expect(probed.patients).toEqual({ readable: true });
  expect(probed.balances).toEqual({ readable: false, code: 'resource_forbidden', message: 'NexHealth denied this API key GET /guarantor_balances (403)' });
  expect(probed.documents).toMatchObject({ readable: false, code: 'resource_not_found' });
});

it('probeResources: without a readable patient, documents are not probed (readable: null with the reason)', async () => {
  refusals.set('/patients', 403);
  const probed = await adapter.probeResources(ctx);
  expect(probed.patients).toMatchObject({ readable: false, code: 'resource_forbidden' });
  expect(probed.documents).toMatchObject({ readable: null, reason: expect.stringContaining('no patient') });
});
