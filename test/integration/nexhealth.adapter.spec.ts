import IORedis from 'ioredis';
import { vendorEntry } from '../../src/modules/integrations/vendors.controller';
import { NexHealthVerifier } from '../../src/providers/nexhealth/nexhealth.verifier';
import { SharedThrottle } from '../../src/providers/common/shared-throttle';
import { NexHealthAdapter } from '../../src/providers/nexhealth/nexhealth.adapter';
import { jwtExpiry, NexHealthTokenCache } from '../../src/providers/nexhealth/token-cache';
import { ProviderException, ProviderExceptionCode } from '../../src/providers/provider.exception';
import { CanonicalRecord, RESOURCE_ORDER } from '../../src/providers/provider-adapter';
import { NEXHEALTH_SANDBOX_API_KEY, updatePatient, bookAppointment } from '../../src/sandbox/nexhealth';
import { dropKeys, makeNexAdapter, NexSandbox, nexContext, readAll, Receiver, sleep, startNexSandbox, startReceiver, TEST_REDIS_URL } from '../helpers/nexhealth';

const PREFIX = 'nexhealth-adapter-spec';
const LOCATION = 101;

describe('NexHealthAdapter against the sandbox', () => {
  let nex: NexSandbox;
  let redis: IORedis;
  let adapter: NexHealthAdapter;
  let receiver: Receiver;

  beforeAll(async () => {
    nex = await startNexSandbox({ patients: 200, seed: 7 });
    redis = new IORedis(TEST_REDIS_URL);
    await dropKeys(redis, PREFIX);
    adapter = makeNexAdapter(redis, PREFIX);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await nex.close();
    await dropKeys(redis, PREFIX);
    await redis.quit();
  });
  afterEach(() => {
    nex.sandbox.resetRateLimits();
    nex.sandbox.clearRequests(NEXHEALTH_SANDBOX_API_KEY);
  });

  const ctx = (config: Record<string, unknown> = {}) => nexContext(nex.baseUrl, config);
  const inst = () => nex.sandbox.institution;
  const atLocation = () => [...inst().patients.values()].filter((p) => p.location_id === LOCATION);

  it('describes itself and connects', async () => {
    expect(vendorEntry(adapter)).toMatchObject({ id: 'nexhealth', capabilities: { webhooks: true, writeBack: false, registerWebhooks: true }, webhooks: { defaultScheme: 'nexhealth' } });
    expect(await adapter.testConnection(ctx())).toMatchObject({ ok: true });
    const refused = await adapter.testConnection(nexContext(nex.baseUrl, {}, 'wrong-key'));
    expect(refused).toMatchObject({ ok: false, details: { code: ProviderExceptionCode.AUTHENTICATION_FAILED } });
    expect(adapter.validateConfig({ subdomain: 'x' })).toEqual([{ field: 'config.locationId', errors: [expect.any(String)] }]);
  });

  it('full migration: every resource, across pages, counts exact against the sandbox', async () => {
    const patients = atLocation();
    const ids = new Set(patients.map((p) => p.id));
    const appointments = [...inst().appointments.values()].filter((a) => a.location_id === LOCATION);
    const expected: Record<string, { records: number; skipped?: number }> = {
      providers: { records: [...inst().providers.values()].filter((p) => p.location_ids.includes(LOCATION)).length },
      locations: { records: 3 },
      patients: { records: patients.length },
      coverages: { records: [...inst().coverages.values()].filter((c) => ids.has(c.patient_id)).length },
      appointments: { records: appointments.filter((a) => !a.unavailable).length, skipped: appointments.filter((a) => a.unavailable).length },
      documents: { records: [...inst().documents.values()].filter((d) => ids.has(d.patient_id)).length },
      balances: { records: [...inst().balances.values()].filter((b) => b.location_id === LOCATION).length },
    };
    expect(patients.length).toBeGreaterThan(60);
    for (const resource of RESOURCE_ORDER) {
      const result = await readAll(adapter, ctx(), resource, null, 40);
      expect({ resource, records: result.records.size, skipped: result.skipped.length, failed: result.failed.length })
        .toEqual({ resource, records: expected[resource].records, skipped: expected[resource].skipped ?? 0, failed: 0 });
    }
    // Paging really happened: patients took ceil(n / 50) list pages, every one location_strict.
    const patientPages = nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY).filter((r) => r.path.endsWith('/patients') && r.status === 200);
    // patients, the coverages' ids-only pass (1,000 a page), then documents' patient stream
    expect(patientPages.length).toBe(2 * Math.ceil(patients.length / 50) + Math.ceil(patients.length / 1000));
    // Accept follows each operation's declared response type: version 2 for documents, JSON for lists.
    const sent = nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY);
    expect(new Set(patientPages.map((r) => r.accept))).toEqual(new Set(['application/json']));
    const documentReads = sent.filter((r) => /\/patients\/\d+\/documents$/.test(r.path));
    expect(documentReads.length).toBe(patients.length);
    expect(new Set(documentReads.map((r) => r.accept))).toEqual(new Set(['application/vnd.Nexhealth+json;version=2']));
  });

  it('two locations on one EHR: each integration stores its own location\'s patients, coverages and documents only', async () => {
    const others = [...inst().patients.values()].filter((p) => p.location_id !== LOCATION);
    expect(others.length).toBeGreaterThan(0);
    // Without location_strict NexHealth searches the whole EHR: the other locations' patients come back too.
    const wide = await readAll(adapter, ctx(), 'patients');
    expect([...wide.records.keys()].sort()).toEqual(atLocation().map((p) => String(p.id)).sort());
    const second = others[0].location_id;
    const atSecond = [...inst().patients.values()].filter((p) => p.location_id === second);
    const otherIntegration = await readAll(adapter, ctx({ locationId: second }), 'patients');
    expect([...otherIntegration.records.keys()].sort()).toEqual(atSecond.map((p) => String(p.id)).sort());
    for (const record of otherIntegration.records.values()) expect(record.data.primaryLocation).toEqual({ externalId: String(second) });
    const secondIds = new Set(atSecond.map((p) => String(p.id)));
    const coverages = await readAll(adapter, ctx({ locationId: second }), 'coverages');
    expect(coverages.records.size).toBe([...inst().coverages.values()].filter((c) => secondIds.has(String(c.patient_id))).length);
    for (const c of coverages.records.values()) expect(secondIds.has(String((c.raw as { patient_id: number }).patient_id))).toBe(true);
  });

  it('resumes a pass from a mid-page checkpoint without gaps', async () => {
    const seen = new Set<string>();
    let checkpoint = null;
    for (let run = 0; run < 20; run++) {
      const batches = [];
      for await (const batch of adapter.read(ctx({ pageSize: 30 }), { resource: 'patients', checkpoint, batchSize: 25, limit: 25 })) batches.push(batch);
      for (const b of batches) for (const r of b.records) seen.add(r.externalId);
      checkpoint = batches.at(-1)!.checkpoint;
      if (!(checkpoint as { streams: { patients: { cursor: string | null } } }).streams.patients.cursor && seen.size >= atLocation().length) break;
    }
    expect([...seen].sort()).toEqual(atLocation().map((p) => String(p.id)).sort());
  });

  it('maps NexHealth records to the canonical Patient every vendor produces', async () => {
    const result = await readAll(adapter, ctx(), 'patients');
    const linked = [...inst().patients.values()].find((p) => p.location_id === LOCATION && p.foreign_id && p.bio.work_phone_number && !p.bio.cell_phone_number && !p.bio.home_phone_number);
    const sample = result.records.get(String((linked ?? atLocation()[0]).id))!;
    expect(sample.data).toEqual(expect.objectContaining({
      names: [expect.objectContaining({ use: 'official', family: expect.any(String), given: expect.arrayContaining([expect.any(String)]) })],
      displayName: expect.any(String), telecom: expect.any(Array),
      addresses: [expect.objectContaining({ line: expect.arrayContaining([expect.any(String)]), postalCode: expect.any(String) })],
      primaryLocation: { externalId: String(LOCATION) }, status: expect.stringMatching(/^(active|inactive|non_patient)$/),
    }));
    if (linked) {
      // foreign_id_type msg-opendental-* : the PatNum becomes an identifier under OpenDental's patient key system.
      expect(sample.data.identifiers).toContainEqual({ system: 'urn:ehr-sync-hub:pms:opendental:patient', value: linked.foreign_id, type: 'PI' });
      expect(sample.data.telecom.filter((t) => t.system === 'phone')).toEqual([{ system: 'phone', use: 'work', value: linked.bio.work_phone_number, rank: 1 }]);
      expect(sample.raw?.foreign_id_type).toBe('msg-opendental-DataSource-1');
    }
    const inactive = atLocation().find((p) => p.inactive);
    if (inactive) expect(result.records.get(String(inactive.id))!.data.status).toBe('inactive');
    const appts = await readAll(adapter, ctx(), 'appointments');
    const cancelled = [...appts.records.values()].find((r) => (r.raw as { cancelled: boolean }).cancelled)!;
    expect(cancelled.data).toMatchObject({ status: 'cancelled', timeZone: 'America/Los_Angeles' });
    expect(cancelled.patientExternalId).toBe(String((cancelled.raw as { patient_id: number }).patient_id));
    expect(cancelled.data.localStart).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('incremental by updated_since picks up a changed patient and a new appointment, and little else', async () => {
    const full = await readAll(adapter, ctx(), 'patients');
    const fullAppts = await readAll(adapter, ctx(), 'appointments');
    const target = atLocation()[7];
    await updatePatient(nex.sandbox, target.id, { first_name: 'Zoë', email: null });
    const booked = await bookAppointment(nex.sandbox, { patient_id: target.id, start_time: new Date(Date.now() + 86_400_000).toISOString() });
    // Past the 1 s overlap plus the Date header's 1 s resolution, so the quiet pass below starts after the change.
    await sleep(2100);
    const next = await readAll(adapter, ctx(), 'patients', full.checkpoint);
    expect([...next.records.keys()]).toEqual([String(target.id)]);
    const changed = next.records.get(String(target.id))!.data;
    expect(changed.names[0].given[0]).toBe('Zoë');
    expect(changed.telecom.some((t) => t.system === 'email')).toBe(false);
    const nextAppts = await readAll(adapter, ctx(), 'appointments', fullAppts.checkpoint);
    expect([...nextAppts.records.keys()]).toEqual([String(booked.data.id)]);
    // Nothing changed since: the next pass reads nothing but moves on.
    const quiet = await readAll(adapter, ctx(), 'patients', next.checkpoint);
    expect(quiet.records.size).toBe(0);
    const sinceOf = (c: unknown) => Date.parse((c as { streams: { patients: { since: string } } }).streams.patients.since);
    expect(sinceOf(quiet.checkpoint)).toBeGreaterThanOrEqual(sinceOf(next.checkpoint));
    expect(sinceOf(next.checkpoint)).toBeGreaterThan(sinceOf(full.checkpoint));
  });

  it('documents: an incremental reads them for changed patients only (none for an unchanged location)', async () => {
    const full = await readAll(adapter, ctx(), 'documents');
    await sleep(2100); // past the overlap and the Date header's resolution
    nex.sandbox.clearRequests(NEXHEALTH_SANDBOX_API_KEY);
    const quiet = await readAll(adapter, ctx(), 'documents', full.checkpoint);
    const documentReads = () => nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY).filter((r) => /\/patients\/\d+\/documents$/.test(r.path));
    expect(quiet.records.size).toBe(0);
    expect(documentReads()).toEqual([]);
    const target = atLocation().find((p) => [...inst().documents.values()].some((d) => d.patient_id === p.id))!;
    await updatePatient(nex.sandbox, target.id, { last_name: 'Núñez' });
    await sleep(2100);
    const changed = await readAll(adapter, ctx(), 'documents', quiet.checkpoint);
    expect(documentReads().map((r) => r.path)).toEqual([expect.stringContaining(`/patients/${target.id}/documents`)]);
    expect(changed.records.size).toBe([...inst().documents.values()].filter((d) => d.patient_id === target.id).length);
    expect(adapter.descriptor.capabilities.reconcileDeletes).toContain('documents'); // deletions wait for the periodic full pass
  });

    it('recovers from tokens expiring mid-migration (one refresh per 401)', async () => {
    const before = nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY).length;
    const fresh = makeNexAdapter(redis, PREFIX);
    const result = await readAll(fresh, ctx({ pageSize: 20 }), 'patients', null, 20, (_batch, index) => {
      if (index === 1) nex.sandbox.expireAllTokens();
    });
    expect(result.records.size).toBe(atLocation().length);
    const log = nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY).slice(before);
    // The revoked token's 401 cannot be attributed to a key (the gate logs known keys only): one re-authentication shows the refresh.
    expect(log.filter((r) => r.path.endsWith('/authenticates'))).toHaveLength(2);
    expect(log.filter((r) => r.status !== null && r.status >= 400)).toHaveLength(0);
  });

  it('refreshes a short-lived token before it expires (JWT exp) and fails permanently on a refused key', async () => {
    nex.sandbox.configure({ tokenLifetimeSeconds: 1 });
    try {
      const fresh = makeNexAdapter(redis, PREFIX);
      await readAll(fresh, ctx(), 'locations');
      await sleep(1900);
      await readAll(fresh, ctx(), 'locations');
      const log = nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY);
      expect(log.filter((r) => r.path.endsWith('/authenticates'))).toHaveLength(2);
      expect(log.filter((r) => r.status === 401)).toHaveLength(0);
    } finally {
      nex.sandbox.configure({ tokenLifetimeSeconds: 86_400 });
    }
    const error = await readAll(adapter, nexContext(nex.baseUrl, {}, 'wrong-key'), 'patients').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderException);
    expect(error).toMatchObject({ code: ProviderExceptionCode.AUTHENTICATION_FAILED, temporary: false });
  });

  it('recovers from 429s when the sandbox lowers its limit', async () => {
    nex.sandbox.configure({ rateLimits: { perSecond: 4 } });
    const result = await readAll(adapter, ctx({ pageSize: 10 }), 'patients', null, 100);
    expect(result.records.size).toBe(atLocation().length);
    expect(nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY).filter((r) => r.throttled).length).toBeGreaterThan(0);
  });

  it('paces itself below the limits through Redis (no 429 when its own limit is the lower one)', async () => {
    nex.sandbox.configure({ rateLimits: { perSecond: 6 } });
    const paced = makeNexAdapter(redis, `${PREFIX}-paced`, { limits: { perSecond: 4, appointmentsPerSecond: 9, patientsAppointmentsPerMinute: 900, otherPerMinute: 1800 } });
    const started = Date.now();
    const result = await readAll(paced, ctx({ pageSize: 10 }), 'patients', null, 100);
    expect(result.records.size).toBe(atLocation().length);
    expect(nex.sandbox.requests(NEXHEALTH_SANDBOX_API_KEY).filter((r) => r.throttled)).toHaveLength(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000 * Math.floor((Math.ceil(atLocation().length / 10) + 1 - 4) / 4));
  });

  it('registers a webhook at NexHealth, parses its signed deliveries, fetches the records, and unregisters', async () => {
    const registration = await adapter.webhooks.register!(ctx(), { targetUrl: receiver.url, events: ['patients', 'appointments'] });
    expect(registration.subscriptionIds).toHaveLength(5);
    const endpoint = nex.sandbox.endpoints.get(Number(registration.vendorEndpointId))!;
    expect(endpoint).toMatchObject({ target_url: receiver.url, active: true, secret_key: registration.secret });
    expect([...nex.sandbox.subscriptions.values()].map((s) => `${s.resource_type}:${s.event}`).sort())
      .toEqual(['Appointment:appointment_created', 'Appointment:appointment_insertion', 'Appointment:appointment_updated', 'Patient:patient_created', 'Patient:patient_updated']);

    const target = atLocation()[3];
    await updatePatient(nex.sandbox, target.id, { last_name: "O'Brien" });
    const booked = await bookAppointment(nex.sandbox, { patient_id: target.id, start_time: '2031-05-06T16:30:00Z' });
    await receiver.waitFor(2);
    const verifier = new NexHealthVerifier();
    const changes = receiver.received.map((d) => {
      expect(verifier.verify({ body: d.body, headers: d.headers as Record<string, string> }, { secrets: [registration.secret] }).ok).toBe(true);
      return adapter.webhooks.parse(ctx(), { deliveryId: 'x', body: d.body });
    });
    expect(changes).toEqual([[{ resource: 'patients', externalIds: [String(target.id)] }], [{ resource: 'appointments', externalIds: [String(booked.data.id)] }]]);
    const patients = await adapter.webhooks.fetchRecords(ctx(), 'patients', [String(target.id), '999999']);
    expect(patients.map((p) => [p.externalId, (p as CanonicalRecord<'patients'>).data.names[0].family])).toEqual([[String(target.id), "O'Brien"]]);
    const appointments = await adapter.webhooks.fetchRecords(ctx(), 'appointments', [String(booked.data.id)]);
    expect(appointments[0]).toMatchObject({ externalId: String(booked.data.id), patientExternalId: String(target.id), data: { start: '2031-05-06T16:30:00.000Z', status: 'booked' } });

    expect(() => adapter.webhooks.parse(ctx(), { deliveryId: 'x', body: Buffer.from('not json') })).toThrow(ProviderException);
    expect(adapter.webhooks.parse(ctx(), { deliveryId: 'x', body: Buffer.from('{"resource_type":"Charge","event_name":"charge_created","data":{}}') })).toEqual([]);

    await adapter.webhooks.unregister!(ctx(), registration);
    expect(nex.sandbox.endpoints.size).toBe(0);
    expect(nex.sandbox.subscriptions.size).toBe(0);
    await expect(adapter.webhooks.unregister!(ctx(), registration)).resolves.toBeUndefined();
  });
});

describe('NexHealth token cache and shared windows (units)', () => {
  it('reads a JWT exp and reuses a token until shortly before it', async () => {
    const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
    expect(jwtExpiry(jwt(1_900_000_000))).toBe(1_900_000_000_000);
    expect(jwtExpiry('opaque-token')).toBeNull();
    const cache = new NexHealthTokenCache();
    let calls = 0;
    const auth = async () => jwt(Math.floor(Date.now() / 1000) + 3600 + calls++ * 0);
    await Promise.all([cache.get('u', 'k', auth), cache.get('u', 'k', auth)]);
    await cache.get('u', 'k', auth);
    expect(calls).toBe(1);
    const expired = new NexHealthTokenCache();
    let n = 0;
    const stale = async () => jwt(Math.floor(Date.now() / 1000) - 10 + n++ * 0);
    await expired.get('u', 'k', stale);
    await expired.get('u', 'k', stale);
    expect(n).toBe(2);
  });

  it('acquireWindows never lets more than `limit` requests into a window across connections', async () => {
    const a = new IORedis(TEST_REDIS_URL);
    const b = new IORedis(TEST_REDIS_URL);
    const prefix = 'nexhealth-window-spec';
    try {
      await dropKeys(a, prefix);
      const windows = [{ name: 'w', limit: 3, windowMs: 400 }];
      const times: number[] = [];
      const take = async (t: SharedThrottle) => {
        await t.acquireWindows('key', windows);
        times.push(Date.now());
      };
      const ta = new SharedThrottle(a, prefix);
      const tb = new SharedThrottle(b, prefix);
      await Promise.all([take(ta), take(tb), take(ta), take(tb), take(ta), take(tb), take(ta)]);
      times.sort((x, y) => x - y);
      for (let i = 3; i < times.length; i++) expect(times[i] - times[i - 3]).toBeGreaterThanOrEqual(390);
    } finally {
      await dropKeys(a, prefix);
      await a.quit();
      await b.quit();
    }
  });
});
