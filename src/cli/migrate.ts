import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv } from '../config/env';
import { dataSourceOptions } from '../database/data-source';
import { ensureDatabase } from '../database/ensure-database';

/** `npm run migration:run`: creates the database if needed and runs pending migrations. */
async function main(): Promise<void> {
  const env = loadEnv();
  await ensureDatabase(env.databaseUrl);
  const ds = await new DataSource(dataSourceOptions(env.databaseUrl)).initialize();
  const done = await ds.runMigrations({ transaction: 'each' });
  process.stdout.write(done.length ? `applied: ${done.map((m) => m.name).join(', ')}\n` : 'no pending migrations\n');
  await ds.destroy();
}

main().catch((error: Error) => {
  process.stderr.write(`migration failed: ${error.message}\n`);
  process.exit(1);
});
