import IORedis from 'ioredis';
import { ProviderException, ProviderExceptionCode } from '../../src/providers/provider.exception';
import { ReadBatch } from '../../src/providers/provider-adapter';
import { FhirR4Adapter } from '../../src/providers/fhir-r4/fhir-r4.adapter';
import { fhirContext, FhirSandboxHost, keyPair, makeFhirAdapter, startFhirSandbox } from '../helpers/fhir';
import { dropKeys } from '../helpers/nexhealth';
import { readToEnd } from '../helpers/read-all';

const PREFIX = 'fhir-bulk-spec';

/**
 * Bulk Data `$export` through the shared client (bulk-reader.ts) against the sandbox: Group
 * kick-off, status polling with Retry-After, manifest, NDJSON files streamed line by line with the
 * file position in the checkpoint, `deleted` files, DELETE cleanup, the next `_since` from
 * `transactionTime`, redirects to storage without `Authorization`, a token expiring between files,
 * a worker stopped mid-download resuming without duplicates, and hours of Retry-After ending the
 * read with a temporary error whose checkpoint the next attempt resumes.
 */
describe('FHIR Bulk Data $export (fhir-r4 with bulkExport: always)', () => {
  let host: FhirSandboxHost;
  let redis: IORedis;
  let adapter: FhirR4Adapter;
  const key = keyPair('RS384');
  const ctx = (tenant: string) => fhirContext(host.root, tenant, { clientId: 'bulk-client', keyId: 'bulk-key', bulkExport: 'always', groupId: 'g-1' }, { privateKey: key.privatePem });
  const log = (tenant: string) => host.sandbox.tenant('fhir-r4', tenant).log;
  const patients = (tenant: string) => host.sandbox.tenant('fhir-r4', tenant).data.Patient;
  const kickoffs = (tenant: string) => log(tenant).filter((e) => e.path.endsWith('/Group/g-1/$export')).length;

  beforeAll(async () => {
    host = await startFhirSandbox({ patients: 30, seed: 31, bulkReadyAfterMs: 0, bulkFileLines: 7 });
    host.sandbox.registerClient('bulk-client', { keys: [{ pem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'bulk-key' }] });
    redis = new IORedis(process.env.REDIS_URL!);
    await dropKeys(redis, PREFIX);
    adapter = makeFhirAdapter(redis, PREFIX);
  });
  afterAll(async () => {
    await host.close();
    await dropKeys(redis, PREFIX);
    await redis.quit();
  });

  it('full export, then _since from transactionTime: changed rows only and deletions from the deleted file; cleaned up by DELETE', async () => {
    const full = await readToEnd(adapter, ctx('a'), { resource: 'patients', checkpoint: null, batchSize: 10 });
    expect(full.records.size).toBe(30);
    expect(full.batches.reduce((n, b) => n + b.records.length, 0)).toBe(30);
    expect(log('a').filter((e) => e.path.includes('/files/')).length).toBe(5); // 30 lines in files of 7
    expect(log('a').filter((e) => e.method === 'DELETE' && e.status === 202)).toHaveLength(1);
    expect(full.checkpoint).toMatchObject({ kind: 'bulk', statusUrl: null, watermark: expect.any(String) });

    const ids = [...patients('a').keys()];
    await new Promise((r) => setTimeout(r, 5)); // changes strictly after transactionTime
    host.sandbox.touch('fhir-r4', 'a', 'Patient', ids[4], (p) => (p.gender = 'unknown'));
    host.sandbox.touch('fhir-r4', 'a', 'Patient', ids[9]);
    host.sandbox.remove('fhir-r4', 'a', 'Patient', ids[12]);
    const next = await readToEnd(adapter, ctx('a'), { resource: 'patients', checkpoint: full.checkpoint, batchSize: 10 });
    expect([...next.records.keys()].sort()).toEqual([ids[4], ids[9]].sort());
    expect(next.batches.flatMap((b) => b.deletedExternalIds)).toEqual([ids[12]]);
    expect(kickoffs('a')).toBe(2);
  });

  it('a read stopped in the middle of a file resumes at its line: every row once, one export', async () => {
    const seen: string[] = [];
    let checkpoint: ReadBatch['checkpoint'] | null = null;
    let n = 0;
    for await (const batch of adapter.read(ctx('b'), { resource: 'patients', checkpoint: null, batchSize: 4 })) {
      seen.push(...batch.records.map((r) => r.externalId));
      checkpoint = batch.checkpoint;
      if (++n === 4) break; // the worker dies here; batches before are committed
    }
    expect(checkpoint).toMatchObject({ fileIndex: 1, line: expect.any(Number) });
    host.sandbox.expireAllTokens(); // and its token expires before the next worker continues
    const rest = await readToEnd(adapter, ctx('b'), { resource: 'patients', checkpoint, batchSize: 4 });
    const all = [...seen, ...rest.batches.flatMap((b) => b.records.map((r) => r.externalId))];
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
    expect(kickoffs('b')).toBe(1);
    expect(log('b').filter((e) => e.path.includes('/files/') && e.status === 401)).toHaveLength(1);
  });

  it('file redirects to storage are followed without the Authorization header', async () => {
    host.sandbox.setFaults('fhir-r4', 'c', { bulkRedirect: true });
    const result = await readToEnd(adapter, ctx('c'), { resource: 'patients', checkpoint: null, batchSize: 50 });
    expect(result.records.size).toBe(30);
    const storage = log('c').filter((e) => e.path.startsWith('/sandbox/fhir-storage/'));
    expect(storage).toHaveLength(5);
    expect(storage.every((e) => !e.bearer && e.status === 200)).toBe(true);
  });

  it('Retry-After of hours ends the read with a temporary error; the next attempt polls the same export', async () => {
    host.sandbox.bulkReadyAfterMs = 400;
    host.sandbox.setFaults('fhir-r4', 'd', { bulkRetryAfter: 7200 });
    const batches: ReadBatch[] = [];
    const error = await (async () => {
      for await (const batch of adapter.read(ctx('d'), { resource: 'patients', checkpoint: null, batchSize: 50 })) batches.push(batch);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderException);
    expect(error).toMatchObject({ code: ProviderExceptionCode.RATE_LIMITED, temporary: true, retryAfterMs: 7_200_000 });
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ records: [], checkpoint: { statusUrl: expect.stringContaining('/status/') } });
    await new Promise((r) => setTimeout(r, 450));
    host.sandbox.bulkReadyAfterMs = 0;
    const resumed = await readToEnd(adapter, ctx('d'), { resource: 'patients', checkpoint: batches[0].checkpoint, batchSize: 50 });
    expect(resumed.records.size).toBe(30);
    expect(kickoffs('d')).toBe(1);
  });
  it('a file that stalls mid-way ends the read after the request timeout with a temporary error; the re-run resumes at its line', async () => {
    host.sandbox.setFaults('fhir-r4', 'stall', { bulkStallAfterLines: 4 });
    const slow = fhirContext(host.root, 'stall', { clientId: 'bulk-client', keyId: 'bulk-key', bulkExport: 'always', groupId: 'g-1', requestTimeoutMs: 1000 }, { privateKey: key.privatePem });
    const batches: ReadBatch[] = [];
    const error = await (async () => {
      for await (const b of adapter.read(slow, { resource: 'patients', checkpoint: null, batchSize: 2 })) batches.push(b);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ProviderExceptionCode.CONNECTION_FAILED, temporary: true });
    const saved = batches.at(-1)!.checkpoint;
    expect(saved).toMatchObject({ fileIndex: 0, line: 4 });
    host.sandbox.setFaults('fhir-r4', 'stall', { bulkStallAfterLines: 0 });
    const rest = await readToEnd(adapter, ctx('stall'), { resource: 'patients', checkpoint: saved, batchSize: 10 });
    const ids = [...batches.flatMap((b) => b.records), ...rest.batches.flatMap((b) => b.records)].map((r) => r.externalId);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('a corrupt NDJSON line is a failed row named by its position; the rest of the file is read', async () => {
    host.sandbox.setFaults('fhir-r4', 'bad', { bulkBadLine: true });
    const result = await readToEnd(adapter, ctx('bad'), { resource: 'patients', checkpoint: null, batchSize: 100 });
    expect(result.failed).toHaveLength(5); // line 2 of each of the 5 files
    expect(result.failed[0]).toEqual({ externalId: null, code: 'invalid_ndjson', message: 'Bulk export file 1, line 2 is not a FHIR resource in JSON' });
    expect(result.records.size).toBe(25);
  });
  it('error files become failed rows naming the issue and vendor codes, never the diagnostics', async () => {
    host.sandbox.setFaults('fhir-r4', 'errors', { bulkErrorLines: 2 });
    const result = await readToEnd(adapter, ctx('errors'), { resource: 'patients', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(30);
    expect(result.failed).toEqual([1, 2].map(() => ({ externalId: null, code: 'bulk_export_error', message: 'The server could not export a Patient (issue processing; vendor code EXPORT-17)' })));
  });
  it('a status URL the server forgot (404) starts a new export instead of failing for ever', async () => {
    host.sandbox.bulkReadyAfterMs = 400;
    host.sandbox.setFaults('fhir-r4', 'forgot', { bulkRetryAfter: 7200 });
    const first: ReadBatch[] = [];
    const waiting = await (async () => {
      for await (const b of adapter.read(ctx('forgot'), { resource: 'patients', checkpoint: null, batchSize: 50 })) first.push(b);
    })().catch((e: unknown) => e);
    expect(waiting).toMatchObject({ code: ProviderExceptionCode.RATE_LIMITED });
    host.sandbox.tenant('fhir-r4', 'forgot').exports.clear(); // purged while the job waited
    host.sandbox.bulkReadyAfterMs = 0;
    host.sandbox.setFaults('fhir-r4', 'forgot', { bulkRetryAfter: 1 });
    const resumed = await readToEnd(adapter, ctx('forgot'), { resource: 'patients', checkpoint: first.at(-1)!.checkpoint, batchSize: 50 });
    expect(resumed.records.size).toBe(30);
    expect(kickoffs('forgot')).toBe(2);
  });

  it('export files gone in the middle of a read (404) drop the export from the checkpoint; the next run exports again, every row once', async () => {
    const first: ReadBatch[] = [];
    for await (const b of adapter.read(ctx('gone'), { resource: 'patients', checkpoint: null, batchSize: 3 })) {
      first.push(b);
      if (first.length === 4) break; // in the second file of 7 lines
    }
    host.sandbox.tenant('fhir-r4', 'gone').exports.clear();
    const second: ReadBatch[] = [];
    const error = await (async () => {
      for await (const b of adapter.read(ctx('gone'), { resource: 'patients', checkpoint: first.at(-1)!.checkpoint, batchSize: 3 })) second.push(b);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ProviderExceptionCode.VENDOR_ERROR, temporary: true });
    expect(second.at(-1)!.checkpoint).toMatchObject({ statusUrl: null, files: null });
    const third = await readToEnd(adapter, ctx('gone'), { resource: 'patients', checkpoint: second.at(-1)!.checkpoint, batchSize: 3 });
    const ids = new Set([...first, ...second, ...third.batches].flatMap((b) => b.records.map((r) => r.externalId)));
    expect(ids.size).toBe(30);
    expect(kickoffs('gone')).toBe(2);
  });
  it('short Retry-Afters for longer than the in-process budget (3 × the wait cap) also end the read with a temporary error', async () => {
    const capped = makeFhirAdapter(redis, PREFIX, { maxRetryWaitMs: 1000 });
    host.sandbox.bulkReadyAfterMs = 60_000;
    host.sandbox.setFaults('fhir-r4', 'budget', { bulkRetryAfter: 1 });
    const started = Date.now();
    const error = await readToEnd(capped, ctx('budget'), { resource: 'patients', checkpoint: null, batchSize: 50 }).catch((e: unknown) => e);
    host.sandbox.bulkReadyAfterMs = 0;
    expect(error).toMatchObject({ code: ProviderExceptionCode.RATE_LIMITED, temporary: true, retryAfterMs: 1000 });
    expect(Date.now() - started).toBeLessThan(3500);
    expect(log('budget').filter((e) => e.path.includes('/status/')).length).toBeGreaterThanOrEqual(3);
  });
});
