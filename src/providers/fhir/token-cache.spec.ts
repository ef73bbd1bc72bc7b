import IORedis from 'ioredis';
import { Cipher } from '../../common/crypto';
import { FhirTokenCache, refreshAt } from './token-cache';
import type { AccessToken } from './smart-auth';

const PREFIX = 'fhir-token-cache-spec';

describe('FhirTokenCache (real Redis)', () => {
  let redis: IORedis;
  const cipher = new Cipher(Buffer.alloc(32, 3));

  beforeAll(() => {
    redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/10');
  });
  afterEach(async () => {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(() => redis.quit());

  const token = (value: string, lifetimeMs: number): AccessToken => ({ accessToken: value, issuedAt: Date.now(), expiresAt: Date.now() + lifetimeMs });

  it('renews at the smaller of 60 s or 20 % of the lifetime before expiry', () => {
    expect(refreshAt({ accessToken: 'a', issuedAt: 0, expiresAt: 300_000 })).toBe(240_000);
    expect(refreshAt({ accessToken: 'a', issuedAt: 0, expiresAt: 3_600_000 })).toBe(3_540_000);
    expect(refreshAt({ accessToken: 'a', issuedAt: 0, expiresAt: 100_000 })).toBe(80_000);
  });

  it('mints once for two workers racing, and keeps only ciphertext in Redis', async () => {
    const key = FhirTokenCache.keyOf({ tokenUrl: 'https://t', clientId: 'c', scope: 's', integrationId: 'i', credential: 'secret:x' });
    let mints = 0;
    const mint = async () => {
      mints++;
      await new Promise((r) => setTimeout(r, 150));
      return token(`tok-${mints}`, 300_000);
    };
    const workerA = new FhirTokenCache(redis, cipher, PREFIX);
    const workerB = new FhirTokenCache(redis, cipher, PREFIX);
    const got = await Promise.all([workerA.get(key, mint), workerB.get(key, mint), workerA.get(key, mint), workerB.get(key, mint)]);
    expect(got).toEqual(['tok-1', 'tok-1', 'tok-1', 'tok-1']);
    expect(mints).toBe(1);
    const stored = await redis.getBuffer(`${PREFIX}:token:${key}`);
    expect(stored).not.toBeNull();
    expect(stored!.toString('latin1')).not.toContain('tok-1');
    expect(await redis.exists(`${PREFIX}:lock:${key}`)).toBe(0);
    expect(await redis.pttl(`${PREFIX}:token:${key}`)).toBeGreaterThan(290_000);
  });

  it('mints again after invalidate (a 401) and when the stored copy is past its renewal time', async () => {
    const key = FhirTokenCache.keyOf({ tokenUrl: 'https://t', clientId: 'c', scope: 's', integrationId: 'j', credential: 'secret:y' });
    let n = 0;
    const cache = new FhirTokenCache(redis, cipher, PREFIX);
    const short = async () => token(`short-${++n}`, 1_000); // renews 200 ms before expiry
    expect(await cache.get(key, short)).toBe('short-1');
    await cache.invalidate(key, 'short-1');
    expect(await cache.get(key, short)).toBe('short-2');
    await new Promise((r) => setTimeout(r, 850));
    expect(await new FhirTokenCache(redis, cipher, PREFIX).get(key, short)).toBe('short-3');
  });

  it('does not cache a failed mint', async () => {
    const key = FhirTokenCache.keyOf({ tokenUrl: 'https://t', clientId: 'c', scope: 's', integrationId: 'k', credential: 'secret:z' });
    const cache = new FhirTokenCache(redis, cipher, PREFIX);
    await expect(cache.get(key, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await redis.exists(`${PREFIX}:lock:${key}`)).toBe(0);
    expect(await cache.get(key, async () => token('ok', 300_000))).toBe('ok');
  });
});
