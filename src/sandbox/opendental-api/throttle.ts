import type IORedis from 'ioredis';

/**
 * Start-to-start throttle shared by every process through Redis: at most one accepted request
 * per `interval` ms per key, timed by the Redis server's clock (so processes on several hosts
 * agree). Rejected requests do not move the window, as a throttled client must be able to get in.
 * KEYS[1] = key; ARGV[1] = interval ms. Returns { ms left to wait (0 = accepted), Redis time of the check in ms }.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= 0 and now - last < interval then return { interval - (now - last), now } end
redis.call('SET', KEYS[1], now, 'PX', interval * 2 + 1000)
return { 0, now }`;

/** The throttle's verdict on one request. */
export interface ThrottleCheck {
  /** 0 when the request may run, otherwise the milliseconds until it may. */
  waitMs: number;
  /** When the throttle looked, epoch ms of the Redis server's clock (null when unthrottled): the instant whose spacing it judges. */
  checkedAt: number | null;
}

/** Checks and takes the throttle for one request. */
export async function takeThrottle(redis: IORedis, key: string, intervalMs: number): Promise<ThrottleCheck> {
  if (intervalMs <= 0) return { waitMs: 0, checkedAt: null };
  const [waitMs, checkedAt] = (await redis.eval(SCRIPT, 1, key, intervalMs)) as [number, number];
  return { waitMs: Number(waitMs), checkedAt: Number(checkedAt) };
}
