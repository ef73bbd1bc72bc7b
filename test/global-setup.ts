import 'reflect-metadata';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { ensureDatabase } from '../src/database/ensure-database';

/** Once per run: a fresh test database with every migration applied, and an empty test Redis database. */
export default async function globalSetup(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ehr_sync_hub_test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3';
  await ensureDatabase(databaseUrl);
  const ds = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
  await ds.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const redis = new IORedis(redisUrl);
  await redis.flushdb();
  await redis.quit();
}
