import IORedis, { RedisOptions } from 'ioredis';

/**
 * Opens an ioredis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ
 * workers need (blocking commands must not time out); queues use the same for simplicity.
 */
export function createRedis(redisUrl: string, options: RedisOptions = {}): IORedis {
  return new IORedis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
