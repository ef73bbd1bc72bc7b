import IORedis from 'ioredis';
import { FhirR4Adapter } from '../../src/providers/fhir-r4/fhir-r4.adapter';
import type { BulkCheckpoint } from '../../src/providers/fhir/bulk/bulk-reader';
import { ProviderException, ProviderExceptionCode } from '../../src/providers/provider.exception';
import { AdapterContext, CanonicalRecord, Checkpoint, ReadBatch, ReadRequest, ResourceType } from '../../src/providers/provider-adapter';
import { BULK_GROUP_ALL, DEFAULT_BULK_SETTINGS, FHIR_SANDBOX_PROFILES, FhirBulkSandbox } from '../../src/sandbox/fhir';
import { fhirContext, FhirSandboxHost, keyPair, makeFhirAdapter, startFhirSandbox } from '../helpers/fhir';
import { FhirValidator } from '../helpers/fhir-validator';
import { dropKeys } from '../helpers/nexhealth';
import { readToEnd } from '../helpers/read-all';

const PREFIX = 'fhir-bulk-spec';
const RESOURCES: ResourceType[] = ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents'];

/** Reads until the end, `stopAfter` batches, or an error; returns what was read and the last checkpoint (what the runner committed). */
async function drain(adapter: FhirR4Adapter, ctx: AdapterContext, request: ReadRequest, stopAfter = Infinity, onBatch?: (b: ReadBatch, i: number) => void) {
  const batches: ReadBatch[] = [];
  let checkpoint: Checkpoint | null = request.checkpoint;
  let error: unknown = null;
  try {
    for await (const batch of adapter.read(ctx, request)) {
      batches.push(batch);
      checkpoint = batch.checkpoint;
      onBatch?.(batch, batches.length - 1);
      if (batches.length >= stopAfter) break;
    }
  } catch (e) {
    error = e;
  }
  return { batches, checkpoint, error, records: batches.flatMap((b) => b.records), deleted: batches.flatMap((b) => b.deletedExternalIds) };
}

const byId = (records: CanonicalRecord[]) => [...records].sort((a, b) => a.externalId.localeCompare(b.externalId));

describe('fhir-r4 by Bulk Data $export against the FHIR sandbox', () => {
  let host: FhirSandboxHost;
  let bulk: FhirBulkSandbox;
  let redis: IORedis;
  let adapter: FhirR4Adapter;
  const rsa = keyPair('RS384');

  beforeAll(async () => {
    host = await startFhirSandbox({ patients: 60, seed: 23 });
    bulk = host.app.get(FhirBulkSandbox);
    host.sandbox.registerClient('hub-bulk', { keys: [{ pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'bulk-1' }] });
    redis = new IORedis(process.env.REDIS_URL!);
    await dropKeys(redis, PREFIX);
    adapter = makeFhirAdapter(redis, PREFIX, { bulkMinPollMs: 50, bulkPollMs: 100 });
  });
  beforeEach(() => bulk.configure({ ...DEFAULT_BULK_SETTINGS, linesPerFile: 25 }));
  afterAll(async () => {
    await host.close();
    await dropKeys(redis, PREFIX);
    await redis.quit();
  });

  const ctx = (tenant: string, config: Record<string, unknown> = {}) => fhirContext(host.root, tenant, { clientId: 'hub-bulk', keyId: 'bulk-1', ...config }, { privateKey: rsa.privatePem });
  const log = (tenant: string) => host.sandbox.tenant('fhir-r4', tenant).log;
  const data = (tenant: string) => host.sandbox.tenant('fhir-r4', tenant).data;

  it('a full sync by Bulk (auto: the CapabilityStatement advertises $export) gives the same canonical records as paged search, then cleans up', async () => {
    for (const resource of RESOURCES) {
      const byBulk = await readToEnd(adapter, ctx('same'), { resource, checkpoint: null, batchSize: 30 });
      const bySearch = await readToEnd(adapter, ctx('same', { bulkExport: 'never' }), { resource, checkpoint: null, batchSize: 30 });
      expect({ resource, n: byBulk.records.size }).toEqual({ resource, n: bySearch.records.size });
      expect(byId([...byBulk.records.values()])).toEqual(byId([...bySearch.records.values()]));
      expect(byBulk.checkpoint).toMatchObject({ mode: 'bulk', export: null, since: expect.any(String) });
    }
    const kickOffs = log('same').filter((e) => e.path.endsWith('/$export'));
    expect(kickOffs).toHaveLength(RESOURCES.length);
    expect(kickOffs.every((e) => e.status === 202 && e.bearer)).toBe(true);
    expect(log('same').filter((e) => e.method === 'DELETE' && e.status === 202)).toHaveLength(RESOURCES.length);
    expect(log('same').filter((e) => e.path.includes('/bulk/files/')).length).toBeGreaterThan(RESOURCES.length); // 25-line files: several per type
  });

  it('Group/{id}/$export serves patient data when groupId is set; Practitioner falls back to system level', async () => {
    const patients = await readToEnd(adapter, ctx('group', { groupId: BULK_GROUP_ALL }), { resource: 'patients', checkpoint: null, batchSize: 100 });
    expect(patients.records.size).toBe(data('group').Patient.size);
    const providers = await readToEnd(adapter, ctx('group', { groupId: BULK_GROUP_ALL }), { resource: 'providers', checkpoint: null, batchSize: 100 });
    expect(providers.records.size).toBe(data('group').Practitioner.size);
    expect(log('group').filter((e) => e.path.endsWith('$export')).map((e) => e.path.split('/fhir-r4/group/')[1])).toEqual([`Group/${BULK_GROUP_ALL}/$export`, '$export']);
  });

  it('auto follows what the CapabilityStatement advertises: a Group-only server is read by Group export with groupId, else by search', async () => {
    const profile = FHIR_SANDBOX_PROFILES['fhir-r4'];
    profile.bulkExportLevels = ['group']; // as Epic: Group/{id}/$export only
    try {
      const byGroup = await readToEnd(adapter, ctx('grouponly', { groupId: BULK_GROUP_ALL }), { resource: 'coverages', checkpoint: null, batchSize: 100 });
      expect(byGroup.records.size).toBe(data('grouponly').Coverage.size);
      expect(byGroup.checkpoint).toMatchObject({ mode: 'bulk' });
      const bySearch = await readToEnd(adapter, ctx('grouponly', { groupId: BULK_GROUP_ALL }), { resource: 'locations', checkpoint: null, batchSize: 100 });
      expect(bySearch.records.size).toBe(3);
      expect(bySearch.checkpoint).not.toHaveProperty('mode');
      expect(log('grouponly').filter((e) => e.path.endsWith('$export')).map((e) => e.path.split('/grouponly/')[1])).toEqual([`Group/${BULK_GROUP_ALL}/$export`]);
    } finally {
      delete profile.bulkExportLevels;
    }
  });

  it('honours Retry-After (hours compressed by the time scale) and turns a wait over the cap into a temporary error; the re-run resumes the same export', async () => {
    bulk.configure({ exportSeconds: 7200, retryAfterSeconds: 3600, timeScale: 1 / 3600 }); // 2 h → 2 s; Retry-After 1 h → 1 s
    const first = await drain(adapter, ctx('wait'), { resource: 'locations', checkpoint: null, batchSize: 100 });
    expect(first.error).toBeNull();
    expect(first.records).toHaveLength(3);
    const polls = [...bulk.polls.values()].at(-1)!;
    expect(polls.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < polls.length; i++) expect(polls[i] - polls[i - 1]).toBeGreaterThanOrEqual(990);

    bulk.configure({ exportSeconds: 7200, retryAfterSeconds: 7200, timeScale: 1 }); // eClinicalWorks: Retry-After 7200
    const second = await drain(adapter, ctx('wait'), { resource: 'locations', checkpoint: null, batchSize: 100 });
    expect(second.error).toBeInstanceOf(ProviderException);
    expect(second.error).toMatchObject({ code: ProviderExceptionCode.RATE_LIMITED, temporary: true, retryAfterMs: 7_200_000 });
    const saved = second.checkpoint as unknown as BulkCheckpoint;
    expect(saved.export).toMatchObject({ statusUrl: expect.stringContaining('/bulk/status/'), manifest: null });
    bulk.finishAll();
    const resumed = await drain(adapter, ctx('wait'), { resource: 'locations', checkpoint: second.checkpoint, batchSize: 100 });
    expect(resumed.error).toBeNull();
    expect(resumed.records).toHaveLength(3);
    expect(log('wait').filter((e) => e.path.endsWith('/$export'))).toHaveLength(2); // one per export, none for the resume
  });

  it('waits out a 429 burst with Retry-After on Bulk requests', async () => {
    host.sandbox.setFaults('fhir-r4', 'throttled', { throttle: 2, retryAfter: 1 });
    const started = Date.now();
    const result = await readToEnd(adapter, ctx('throttled'), { resource: 'locations', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(log('throttled').filter((e) => e.status === 429)).toHaveLength(2);
  });

  it('renews a token that expires in the middle of the download, once, and reads every row', async () => {
    const result = await drain(adapter, ctx('token'), { resource: 'appointments', checkpoint: null, batchSize: 25 }, Infinity, (_b, i) => {
      if (i === 3) host.sandbox.expireAllTokens();
    });
    expect(result.error).toBeNull();
    expect(new Set(result.records.map((r) => r.externalId)).size).toBe(data('token').Appointment.size);
    expect(result.records).toHaveLength(data('token').Appointment.size);
    expect(log('token').filter((e) => e.status === 401)).toHaveLength(1);
    expect(log('token').filter((e) => e.path.endsWith('/auth/token'))).toHaveLength(2);
  });

  it('follows a redirect to another origin without the Authorization header', async () => {
    bulk.configure({ redirectFiles: true });
    const result = await readToEnd(adapter, ctx('redirect'), { resource: 'patients', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(data('redirect').Patient.size);
    const atBase = log('redirect').filter((e) => e.path.includes('/bulk/files/'));
    const atStorage = log('redirect').filter((e) => e.path.includes('/_storage/'));
    expect(atBase.length).toBeGreaterThan(1);
    expect(atBase.every((e) => e.status === 307 && e.bearer)).toBe(true); // requiresAccessToken: the base's origin gets the token
    expect(atStorage).toHaveLength(atBase.length);
    expect(atStorage.every((e) => e.status === 200 && !e.bearer)).toBe(true);
  });

  it('an incremental by _since (the last transactionTime) gives the changed rows and tombstones from the deleted files', async () => {
    const full = await readToEnd(adapter, ctx('deletes'), { resource: 'patients', checkpoint: null, batchSize: 100 });
    const ids = [...data('deletes').Patient.keys()];
    expect(full.records.size).toBe(ids.length);
    bulk.deleteResource('fhir-r4', 'deletes', 'Patient', ids[5]);
    bulk.deleteResource('fhir-r4', 'deletes', 'Appointment', [...data('deletes').Appointment.keys()][0]); // another type: not this read's tombstone
    host.sandbox.touch('fhir-r4', 'deletes', 'Patient', ids[9], (r) => (r.gender = 'other'));
    const incremental = await drain(adapter, ctx('deletes'), { resource: 'patients', checkpoint: full.checkpoint, batchSize: 100 });
    expect(incremental.error).toBeNull();
    expect(incremental.records.map((r) => r.externalId)).toEqual([ids[9]]);
    expect(incremental.deleted).toEqual([ids[5]]);
    expect((incremental.checkpoint as unknown as BulkCheckpoint).since! > (full.checkpoint as unknown as BulkCheckpoint).since!).toBe(true);
  });

  it('a worker stopped in the middle of a file resumes from the saved line with no duplicates and no new kick-off', async () => {
    bulk.configure({ linesPerFile: 40 });
    const total = data('resume').Appointment.size;
    const stopped = await drain(adapter, ctx('resume'), { resource: 'appointments', checkpoint: null, batchSize: 7 }, 8);
    const position = (stopped.checkpoint as unknown as BulkCheckpoint).export!;
    expect(position.manifest!.files.length).toBeGreaterThan(2);
    expect(position.line % 40).not.toBe(0); // mid-file
    const resumed = await drain(adapter, ctx('resume'), { resource: 'appointments', checkpoint: stopped.checkpoint, batchSize: 7 });
    expect(resumed.error).toBeNull();
    const all = [...stopped.records, ...resumed.records].map((r) => r.externalId);
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(log('resume').filter((e) => e.path.endsWith('/$export'))).toHaveLength(1);
  });
  it('a server that stalls in the middle of a file ends the read with a temporary error after the timeout; the re-run resumes at the committed line', async () => {
    bulk.configure({ linesPerFile: 40, stallAfterLines: 30 });
    const total = data('stall').Appointment.size;
    const stalled = await drain(adapter, ctx('stall', { requestTimeoutMs: 1000 }), { resource: 'appointments', checkpoint: null, batchSize: 10 });
    expect(stalled.error).toMatchObject({ code: ProviderExceptionCode.CONNECTION_FAILED, temporary: true });
    expect((stalled.checkpoint as unknown as BulkCheckpoint).export).toMatchObject({ file: 0, line: 30 });
    bulk.configure({ stallAfterLines: 0 });
    const resumed = await drain(adapter, ctx('stall'), { resource: 'appointments', checkpoint: stalled.checkpoint, batchSize: 10 });
    expect(resumed.error).toBeNull();
    const all = [...stalled.records, ...resumed.records].map((r) => r.externalId);
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
  });

  it('error files become failed rows naming the issue codes, never the diagnostics', async () => {
    bulk.configure({ errorLines: 2 });
    const result = await readToEnd(adapter, ctx('errors'), { resource: 'locations', checkpoint: null, batchSize: 100 });
    expect(result.records.size).toBe(3);
    expect(result.failed).toEqual([1, 2].map(() => ({ externalId: null, code: 'bulk_export_error', message: 'The server could not export a Location (issue processing; vendor code EXPORT-17)' })));
  });

  it('the sandbox by raw HTTP: kick-off rules, 202 status with Retry-After and X-Progress, a manifest, valid FHIR lines (deleted: transaction Bundles; error: OperationOutcomes), DELETE', async () => {
    const base = `${host.root}/fhir-r4/raw`;
    host.sandbox.registerClient('raw-client', { clientSecret: 'pw' });
    const tokenRes = await fetch(`${base}/auth/token`, {
      method: 'POST', headers: { Authorization: `Basic ${Buffer.from('raw-client:pw').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials',
    });
    const auth = { Authorization: `Bearer ${((await tokenRes.json()) as { access_token: string }).access_token}` };
    const async = { ...auth, Prefer: 'respond-async', Accept: 'application/fhir+json' };
    const toValidate: unknown[] = []; // validated at the end: building the validator blocks the loop for seconds (keep-alive sockets would reset)
    const refused = await fetch(`${base}/$export?_type=Patient`, { headers: auth });
    expect(refused.status).toBe(400);
    toValidate.push(await refused.json());
    expect((await fetch(`${base}/Patient/$export?_type=Practitioner`, { headers: async })).status).toBe(400);
    expect((await fetch(`${base}/Group/nope/$export`, { headers: async })).status).toBe(404);
    expect((await fetch(`${base}/$export?_outputFormat=text/csv`, { headers: async })).status).toBe(400);
    expect((await fetch(`${base}/$export`, { headers: { Prefer: 'respond-async' } })).status).toBe(401);

    const since = new Date().toISOString();
    bulk.deleteResource('fhir-r4', 'raw', 'Patient', [...data('raw').Patient.keys()][0]);
    host.sandbox.touch('fhir-r4', 'raw', 'Patient', [...data('raw').Patient.keys()][0]);
    bulk.configure({ exportSeconds: 3600, retryAfterSeconds: 600, timeScale: 1 / 600, errorLines: 1 }); // 6 s, Retry-After 1 s
    const kick = await fetch(`${base}/Patient/$export?_type=Patient&_since=${encodeURIComponent(since)}&_outputFormat=application/fhir%2Bndjson`, { headers: async });
    expect(kick.status).toBe(202);
    const statusUrl = kick.headers.get('content-location')!;
    const running = await fetch(statusUrl, { headers: auth });
    expect({ status: running.status, retryAfter: running.headers.get('retry-after'), progress: running.headers.get('x-progress') }).toEqual({ status: 202, retryAfter: '1', progress: expect.stringMatching(/^in-progress \(\d+%\)$/) });
    bulk.finishAll();
    type Files = Array<{ type: string; url: string; count: number }>;
    const manifest = (await (await fetch(statusUrl, { headers: auth })).json()) as { transactionTime: string; request: string; requiresAccessToken: boolean; output: Files; deleted: Files; error: Files };
    expect(manifest).toMatchObject({ requiresAccessToken: true, request: expect.stringContaining('/Patient/$export?_type=Patient'), output: [{ type: 'Patient', count: 1 }], deleted: [{ type: 'Bundle' }], error: [{ type: 'OperationOutcome', count: 1 }] });
    for (const file of [...manifest.output, ...manifest.deleted, ...manifest.error]) {
      const res = await fetch(file.url, { headers: auth });
      expect(res.headers.get('content-type')).toContain('application/fhir+ndjson');
      const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as unknown);
      expect(lines).toHaveLength(1);
      toValidate.push(...lines);
    }
    expect((await fetch(manifest.output[0].url)).status).toBe(401); // requiresAccessToken: the base's files need the token
    expect((await fetch(statusUrl, { method: 'DELETE', headers: auth })).status).toBe(202);
    expect((await fetch(statusUrl, { headers: auth })).status).toBe(404);
    const validator = new FhirValidator();
    expect(toValidate.map((r) => validator.errors(r))).toEqual(toValidate.map(() => []));
  });
});
