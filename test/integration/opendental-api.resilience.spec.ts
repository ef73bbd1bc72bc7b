import { specDatabase } from '../helpers/sandbox';
import IORedis from 'ioredis';
import { Connection } from 'mysql2/promise';
import { OpenDentalApiAdapter } from '../../src/providers/opendental-api/opendental-api.adapter';
import { OpenDentalApiException } from '../../src/providers/opendental-api/retry-policy';
import { SharedThrottle } from '../../src/providers/common/shared-throttle';
import { AdapterContext, Checkpoint, ResourceType } from '../../src/providers/provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../../src/providers/provider.exception';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { apiContext, ApiSandbox, buildOffice, makeAdapter, MYSQL_URL, startApiSandbox, TEST_REDIS_URL } from '../helpers/opendental-api';

/**
 * Throttle compliance and recovery: two workers sharing one customer key stay under OpenDental's
 * 1 request/s together (measured at the sandbox), and a 429 with Retry-After, a 503 storm and a
 * timeout each recover without losing rows; a write whose answer is lost is never sent twice.
 */
const DB = specDatabase('od_spec_api_resilience');
const PATIENTS = 50;
const PREFIX = `spec-resilience-${process.pid}`;
const ALL = Array.from({ length: PATIENTS }, (_, i) => String(i + 1));

let api: ApiSandbox;
let mysql: Connection;
const connections: IORedis[] = [];
let counter = 0;

/** A fresh customer key of the sandbox (own throttle, own log, own faults). */
async function customer(minIntervalMs = 0, readOnly = false): Promise<string> {
  const key = `${PREFIX}-${++counter}`;
  await api.sandbox.registerCustomer({ customerKey: key, database: DB, minIntervalMs, readOnly });
  return key;
}

/** An adapter as one worker process holds it: its own Redis connection, the shared throttle prefix. */
function worker(options: Parameters<typeof makeAdapter>[1] = {}): OpenDentalApiAdapter {
  const redis = new IORedis(TEST_REDIS_URL);
  connections.push(redis);
  return makeAdapter(redis, { throttleKeyPrefix: `${PREFIX}-adapter-throttle`, ...options });
}

/**
 * Reads a resource as the sync engine does: each batch's checkpoint is saved, a temporary
 * ProviderException makes the job run again from the saved checkpoint (at most `runs` times).
 */
async function syncLikeEngine(adapter: OpenDentalApiAdapter, ctx: AdapterContext, resource: ResourceType,
  options: { batchSize?: number; runs?: number; afterBatch?: (n: number) => void } = {}): Promise<{ ids: string[]; failures: ProviderException[] }> {
  let checkpoint: Checkpoint | null = null;
  const ids: string[] = [];
  const failures: ProviderException[] = [];
  let n = 0;
  for (let run = 0; run < (options.runs ?? 1); run++) {
    try {
      for await (const batch of adapter.read(ctx, { resource, checkpoint, batchSize: options.batchSize ?? 1000 })) {
        ids.push(...batch.records.map((r) => r.externalId), ...batch.skipped.map((s) => String(s.externalId)));
        checkpoint = batch.checkpoint;
        options.afterBatch?.(++n);
      }
      return { ids: [...new Set(ids)].sort((a, b) => Number(a) - Number(b)), failures };
    } catch (error) {
      if (!(error instanceof ProviderException) || !error.temporary) throw error;
      failures.push(error);
    }
  }
  throw failures.at(-1);
}

beforeAll(async () => {
  await buildOffice(DB, PATIENTS, 21);
  mysql = await openSandboxConnection(MYSQL_URL, DB);
  api = await startApiSandbox(PREFIX);
});

afterAll(async () => {
  await api?.close();
  await Promise.all(connections.map((c) => c.quit()));
  await mysql?.query(`DROP DATABASE IF EXISTS ${DB}`);
  await mysql?.end();
});

describe('the per-key throttle is shared by every worker', () => {
  it('two workers syncing two integrations with the same customer key never exceed 1 request/s together', async () => {
    const key = await customer(1000);
    // This test is about sharing the spacing across processes: a wider margin than the default
    // 15 ms keeps it exact on a loaded machine (the default's rate is measured by bench:opendental-api).
    const [a, b] = [worker({ throttleMarginMs: 50 }), worker({ throttleMarginMs: 50 })];
    const ctxA = { ...apiContext(api.baseUrl, key, { pageSize: 20 }), integrationId: 'int-a' };
    const ctxB = { ...apiContext(api.baseUrl, key, { pageSize: 20 }), integrationId: 'int-b' };
    const results = await Promise.all([
      syncLikeEngine(a, ctxA, 'patients'), syncLikeEngine(b, ctxB, 'patients'), syncLikeEngine(a, ctxA, 'providers'), syncLikeEngine(b, ctxB, 'providers'),
    ]);
    expect(results[0].ids).toEqual(ALL);
    expect(results[1].ids).toEqual(ALL);
    const log = api.sandbox.requests(key);
    expect(log.length).toBeGreaterThanOrEqual(8);
    expect(log.filter((r) => r.throttled || r.status !== 200)).toEqual([]);
    const times = log.map((r) => r.at).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1000);
    const meanGap = (times.at(-1)! - times[0]) / (times.length - 1);
    expect(meanGap).toBeLessThan(1200); // close to the ceiling: slots are reserved, not polled
  }, 60_000);

  it('a read-only key gets one request per 5 s, across workers', async () => {
    const key = await customer(5000, true);
    const [a, b] = [worker(), worker()];
    const [ra, rb] = await Promise.all([a.testConnection(apiContext(api.baseUrl, key, { readOnly: true })), b.testConnection(apiContext(api.baseUrl, key, { readOnly: true }))]);
    expect(ra.ok && rb.ok).toBe(true);
    const [first, second] = api.sandbox.requests(key);
    expect(second.at - first.at).toBeGreaterThanOrEqual(5000);
    expect([first.status, second.status]).toEqual([200, 200]);
  }, 30_000);
});

describe('recovery without losing rows', () => {
  it('429 with Retry-After: waits as told, and every worker of the key holds back', async () => {
    const key = await customer();
    api.sandbox.injectFaults(key, { status: 429, retryAfterSeconds: 2, count: 1 });
    const [a, b] = [worker(), worker()];
    const ctx = apiContext(api.baseUrl, key, { pageSize: 20 });
    const reading = syncLikeEngine(a, ctx, 'patients');
    // Once worker A has recorded the Retry-After in Redis, worker B must wait for it too.
    const slotKey = new SharedThrottle(connections[0], `${PREFIX}-adapter-throttle`).keyOf(key);
    while (Number(await connections[0].get(slotKey)) < (api.sandbox.requests(key)[0]?.at ?? Infinity) + 1900) await new Promise((r) => setTimeout(r, 10));
    expect((await b.testConnection({ ...ctx, integrationId: 'int-other' })).ok).toBe(true);
    expect((await reading).ids).toEqual(ALL);
    const [refused, ...rest] = api.sandbox.requests(key);
    expect(refused.status).toBe(429);
    expect(rest.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const r of rest) expect(r.at - refused.at).toBeGreaterThanOrEqual(2000);
    // The 429 widened the key's learned spacing margin (10 ms, doubling on each further 429 for 10 minutes).
    expect(Number(await connections[0].get(`${slotKey}:margin`))).toBe(10);
  });

  it('a 503/504/500 storm shorter than the retry budget is ridden out inside one read', async () => {
    const key = await customer();
    for (const status of [503, 504, 500, 503]) api.sandbox.injectFaults(key, { status });
    const { ids, failures } = await syncLikeEngine(worker(), apiContext(api.baseUrl, key, { pageSize: 20 }), 'patients');
    expect(ids).toEqual(ALL);
    expect(failures).toEqual([]);
    expect(api.sandbox.requests(key).map((r) => r.status).slice(0, 5)).toEqual([503, 504, 500, 503, 200]);
  });

  it('a storm longer than the retry budget fails the run as temporary; the next run resumes from the checkpoint', async () => {
    const key = await customer();
    const adapter = worker({ maxAttempts: 3 });
    const { ids, failures } = await syncLikeEngine(adapter, apiContext(api.baseUrl, key, { pageSize: 20 }), 'patients', {
      batchSize: 20, runs: 2, afterBatch: (n) => n === 1 && api.sandbox.injectFaults(key, { status: 503, count: 3 }),
    });
    expect(ids).toEqual(ALL);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: ProviderExceptionCode.CONNECTION_FAILED, temporary: true });
    const firstPageAgain = api.sandbox.requests(key).filter((r) => r.status === 200).length;
    expect(firstPageAgain).toBe(3); // page 1, then (after the storm) pages 2 and 3 only: the first page was not read twice
  });

  it('a request that times out is retried and the read completes', async () => {
    const key = await customer();
    api.sandbox.injectFaults(key, { delayMs: 2500, count: 1 });
    const started = Date.now();
    const { ids } = await syncLikeEngine(worker(), apiContext(api.baseUrl, key, { pageSize: 20, requestTimeoutMs: 1000 }), 'patients');
    expect(ids).toEqual(ALL);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(api.sandbox.requests(key).length).toBe(4); // the timed-out one + 3 pages
  });
});

describe('a write whose answer is lost is never sent twice', () => {
  const booking = async () => {
    const [patient] = (await mysql.query('SELECT PatNum FROM patient WHERE PatStatus = 0 ORDER BY PatNum LIMIT 1'))[0] as Array<{ PatNum: number }>;
    return { PatNum: Number(patient.PatNum), Op: 1, AptDateTime: `2032-0${1 + (counter % 8)}-1${counter % 9} 10:${10 + counter}:00` };
  };
  const count = async (b: { PatNum: number; AptDateTime: string }) =>
    Number((((await mysql.query('SELECT count(*) n FROM appointment WHERE PatNum = ? AND AptDateTime = ?', [b.PatNum, b.AptDateTime]))[0]) as Array<{ n: number }>)[0].n);

  it('the booking ran but its answer timed out: the adapter finds it (recovered) instead of booking again', async () => {
    const key = await customer();
    api.sandbox.injectFaults(key, { holdResponseMs: 2500, method: 'POST' });
    const b = await booking();
    const result = await worker().createAppointment(apiContext(api.baseUrl, key, { requestTimeoutMs: 1000 }), b);
    expect(result.recovered).toBe(true);
    expect(result.record?.data.status).toBe('booked');
    expect(await count(b)).toBe(1);
    expect(api.sandbox.requests(key).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('the booking had not run yet when the answer timed out: outcomeUnknown, and still one POST only', async () => {
    const key = await customer();
    api.sandbox.injectFaults(key, { delayMs: 2000, method: 'POST' });
    const b = await booking();
    const error = await worker().createAppointment(apiContext(api.baseUrl, key, { requestTimeoutMs: 1000 }), b).catch((e) => e);
    expect(error).toBeInstanceOf(OpenDentalApiException);
    expect(error).toMatchObject({ outcomeUnknown: true, temporary: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count(b)).toBe(1);
    expect(api.sandbox.requests(key).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a 429 on a write is resent (OpenDental refused it before running it)', async () => {
    const key = await customer();
    api.sandbox.injectFaults(key, { status: 429, retryAfterSeconds: 1, method: 'POST' });
    const b = await booking();
    const result = await worker().createAppointment(apiContext(api.baseUrl, key), b);
    expect(result.recovered).toBeUndefined();
    expect(await count(b)).toBe(1);
    expect(api.sandbox.requests(key).filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([429, 201]);
  });
});

describe("OpenDental's own error text is never echoed", () => {
  // An error body can repeat what was sent (names, birth dates): messages name the vendor, the call and the status only.
  const CANARY = 'Canary Jane Doe born 1961-07-04';
  it.each([400, 404, 409])('a %i whose body carries PHI gives a message without it', async (status) => {
    const key = await customer();
    api.sandbox.injectFaults(key, { status, body: `Patient ${CANARY} is not valid`, count: 1 });
    const error = await worker().getAppointment(apiContext(api.baseUrl, key), 7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenDentalApiException);
    const { message, vendorStatus } = error as OpenDentalApiException;
    expect(vendorStatus).toBe(status);
    expect(message).toMatch(/^OpenDental .*GET \/appointments\/\{?\d*\}?.*\(\d{3}\)$/);
    expect(message).toContain(`(${status})`);
    expect(message).not.toContain('Canary');
    expect(JSON.stringify(error)).not.toContain('Canary');
  });
});
