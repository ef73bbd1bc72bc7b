import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';
import { abortableSleep } from './retry-policy';

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
 * OpenDental's throttle is per customer key (§1.4), and BullMQ has no shared rate limit
 * (DESIGN-NOTES), so every worker process reserves request slots in one Redis entry per key.
 * The entry is named by the SHA-256 of the customer key: the key itself never reaches Redis.
 * Slots are spaced start to start (the read-only rule counts execution time in its 5 s).
 */
export class SharedThrottle {
  constructor(
    private readonly redis: IORedis,
    private readonly prefix: string,
  ) {}

  /** The Redis key of a customer key. */
  keyOf(customerKey: string): string {
    return `${this.prefix}:${createHash('sha256').update(customerKey).digest('hex')}`;
  }

  /** Waits for this process's reserved slot. @throws the abort reason when `signal` fires. */
  async acquire(customerKey: string, intervalMs: number, signal?: AbortSignal): Promise<void> {
    if (intervalMs <= 0) return;
    const waitMs = Number(await this.redis.eval(RESERVE, 1, this.keyOf(customerKey), Math.ceil(intervalMs)));
    if (waitMs > 0) await abortableSleep(waitMs, signal);
  }

  /** Makes every worker wait at least `ms` before its next request on this key. */
  async pushBack(customerKey: string, ms: number): Promise<void> {
    if (ms > 0) await this.redis.eval(PUSH_BACK, 1, this.keyOf(customerKey), Math.ceil(ms));
  }
}
