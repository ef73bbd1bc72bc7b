import type IORedis from 'ioredis';

/**
 * Start-to-start throttle shared by every process through Redis: at most one accepted request
 * per `interval` ms per key, timed by the Redis server's clock (so processes on several hosts
 * agree). Rejected requests do not move the window, as a throttled client must be able to get in.
 * KEYS[1] = key; ARGV[1] = interval ms. Returns 0 (accepted) or the ms left to wait.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= 0 and now - last < interval then return interval - (now - last) end
redis.call('SET', KEYS[1], now, 'PX', interval * 2 + 1000)
return 0`;

/**
 * Checks and takes the throttle for one request.
 * @returns 0 when the request may run, otherwise the milliseconds until it may.
 */
export async function takeThrottle(redis: IORedis, key: string, intervalMs: number): Promise<number> {
  if (intervalMs <= 0) return 0;
  return Number(await redis.eval(SCRIPT, 1, key, intervalMs));
}
