import { createHash, randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import { abortableSleep } from './retry';

/**
 * Reserves the next start slot of a key: slot = max(now, next free), and the next free slot
 * moves to slot + interval + the learned margin. Redis's clock decides, so every worker process
 * agrees. KEYS[1] = key, KEYS[2] = its learned margin; ARGV[1] = interval ms. Returns ms to wait.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1]) + tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 60000)
return slot - now`;

/**
 * Claims the right to send now. A reserved slot is only a promise: the timer fires late, the event
 * loop was busy mapping a batch, and a worker that reserved the slot after ours may wake on time
 * while we wake late, so two requests would reach the vendor closer than the interval. The claim
 * key holds the earliest moment the next request may really go: a claim before it returns the ms
 * still to wait; a claim at or after it moves it to now + interval + learned margin and returns 0.
 * KEYS[1] = claim key, KEYS[2] = learned margin; ARGV[1] = interval ms.
 */
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local earliest = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < earliest then return earliest - now end
local gap = tonumber(ARGV[1]) + tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('SET', KEYS[1], now + gap, 'PX', gap + 60000)
return 0`;

/**
 * After a 429 the vendor saw two requests closer than we spaced them (jitter on the way): the key's
 * learned margin doubles (at least 10 ms, at most 200 ms) for 10 minutes, then falls back to none.
 * KEYS[1] = margin key.
 */
const WIDEN = `
local margin = math.min(200, math.max(10, 2 * tonumber(redis.call('GET', KEYS[1]) or '0')))
redis.call('SET', KEYS[1], margin, 'PX', 600000)
return margin`;

/** Moves the next free slot (KEYS[1]) and the earliest claim (KEYS[2]) to at least now + ARGV[1] ms (after a 429 with Retry-After). */
const PUSH_BACK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local target = now + tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  if target > tonumber(redis.call('GET', key) or '0') then redis.call('SET', key, target, 'PX', tonumber(ARGV[1]) + 60000) end
end
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

  /**
   * Waits for this process's reserved slot (spacing `intervalMs` ms start to start, workers served
   * in order), then claims the send ({@link CLAIM}): if an earlier request really went late, it
   * waits the rest, so the gap the vendor sees never shrinks below the interval however late a
   * timer fires. @throws RequestAborted when `signal` fires.
   */
  async acquire(credential: string, intervalMs: number, signal?: AbortSignal): Promise<void> {
    if (intervalMs <= 0) return;
    const interval = Math.ceil(intervalMs);
    const margin = this.keyOf(credential, 'margin');
    const waitMs = Number(await this.redis.eval(RESERVE, 2, this.keyOf(credential), margin, interval));
    if (waitMs > 0) await abortableSleep(waitMs, signal);
    for (;;) {
      const rest = Number(await this.redis.eval(CLAIM, 2, this.keyOf(credential, 'claim'), margin, interval));
      if (rest <= 0) return;
      await abortableSleep(rest, signal);
    }
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

  /**
   * After a 429: makes every worker wait at least `ms` before its next spaced request on this
   * credential, and widens the credential's spacing margin ({@link WIDEN}) so the vendor's answer,
   * not a fixed guess, decides how much slack the link needs.
   */
  async pushBack(credential: string, ms: number): Promise<void> {
    await this.redis.eval(WIDEN, 1, this.keyOf(credential, 'margin'));
    if (ms > 0) await this.redis.eval(PUSH_BACK, 2, this.keyOf(credential), this.keyOf(credential, 'claim'), Math.ceil(ms));
  }
}
