import { createHash, randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import { abortableSleep } from './retry';

/**
 * Reserves the next start slot of a key: slot = max(now, next free), and the next free slot
 * moves to slot + interval. Redis's clock decides, so every worker process agrees.
 * KEYS[1] = key; ARGV[1] = interval ms. Returns ms to wait until the reserved slot.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 60000)
return slot - now`;

/** Moves the next free slot to at least now + ARGV[1] ms (after a 429 with Retry-After). */
const PUSH_BACK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local target = now + tonumber(ARGV[1])
if target > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], target, 'PX', tonumber(ARGV[1]) + 60000) end
return 0`;

/**
 * Sliding-window limits over several keys at once (a request counts in every window it falls
 * under). Each key is a sorted set of request times (Redis clock, ms). If every window has room
 * the request is added to all of them and 0 is returned; otherwise nothing is added and the ms
 * until the fullest window frees a place is returned. KEYS[i] = window key; ARGV[2i-1] = limit,
 * ARGV[2i] = window ms; ARGV[last] = a unique member id.
 */
const WINDOWS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now + 1
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
local member = ARGV[#ARGV] .. ':' .. now
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i]) + 1000)
end
return 0`;

/** One sliding window of a rate limit: at most `limit` requests in any `windowMs`. */
export interface RateWindow {
  /** Names the counter (with the credential): e.g. `all`, `appointments:1s`. */
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Request pacing shared by every worker process through Redis. Vendors limit per credential
 * (OpenDental per customer key, §1.4; NexHealth per API key, §3) and BullMQ has no shared rate
 * limit, so every process reserves its requests in Redis entries named by the SHA-256 of the
 * credential: the credential itself never reaches Redis. Two disciplines:
 * - {@link acquire}: start-to-start spacing (OpenDental's 1 request/s, 1 per 5 s read-only);
 * - {@link acquireWindows}: sliding windows, several at once (NexHealth's 100 req/s overall,
 *   10 req/s for appointments, 1,000 req/min for patients and appointments).
 * Both are timed by the Redis server's clock, so processes on several hosts agree.
 */
export class SharedThrottle {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
  ) {}

  /** The Redis key of a credential (optionally of one of its windows). */
  keyOf(credential: string, window?: string): string {
    const hash = createHash('sha256').update(credential).digest('hex');
    return window ? `${this.prefix}:${hash}:${window}` : `${this.prefix}:${hash}`;
  }

  /** Waits for this process's reserved slot (spacing `intervalMs` ms). @throws RequestAborted when `signal` fires. */
  async acquire(credential: string, intervalMs: number, signal?: AbortSignal): Promise<void> {
    if (intervalMs <= 0) return;
    const waitMs = Number(await this.redis.eval(RESERVE, 1, this.keyOf(credential), Math.ceil(intervalMs)));
    if (waitMs > 0) await abortableSleep(waitMs, signal);
  }

  /**
   * Waits until the request fits in every window, then counts it in all of them.
   * @throws RequestAborted when `signal` fires while waiting.
   */
  async acquireWindows(credential: string, windows: RateWindow[], signal?: AbortSignal): Promise<void> {
    const active = windows.filter((w) => w.limit > 0 && w.windowMs > 0);
    if (!active.length) return;
    const keys = active.map((w) => this.keyOf(credential, w.name));
    const args = active.flatMap((w) => [Math.floor(w.limit), Math.ceil(w.windowMs)]);
    const member = randomBytes(8).toString('hex');
    for (;;) {
      const waitMs = Number(await this.redis.eval(WINDOWS, keys.length, ...keys, ...args, member));
      if (waitMs <= 0) return;
      await abortableSleep(waitMs, signal);
    }
  }

  /** Makes every worker wait at least `ms` before its next spaced request on this credential. */
  async pushBack(credential: string, ms: number): Promise<void> {
    if (ms > 0) await this.redis.eval(PUSH_BACK, 1, this.keyOf(credential), Math.ceil(ms));
  }
}
