import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { APP_ENV } from '../config/config.module';
import { AppEnv } from '../config/env';
import { dataSourceOptions } from './data-source';

/** Injection token for the raw `pg` pool used for COPY-based bulk writes. */
export const PG_POOL = Symbol('PG_POOL');

/**
 * TypeORM for ordinary reads and writes, plus a small raw `pg` pool for the sync engine's
 * COPY-and-merge batches (TypeORM has no COPY). Migrations run at start when `RUN_MIGRATIONS` is true.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_ENV],
      useFactory: (env: AppEnv) => ({ ...dataSourceOptions(env.databaseUrl), migrationsRun: env.runMigrations }),
    }),
  ],
  providers: [
    {
      provide: PG_POOL,
      inject: [APP_ENV],
      // synchronous_commit=off is safe here: each batch commits together with its checkpoint, so a
      // Postgres crash can only lose whole batches and their checkpoint, which the next run re-reads.
      // temp_buffers holds a whole staging batch in memory (the 8 MB default spilled to disk).
      useFactory: (env: AppEnv) => {
        const pool = new Pool({
          connectionString: env.databaseUrl,
          max: 4,
          application_name: 'ehr-sync-hub-bulk',
          options: '-c synchronous_commit=off -c temp_buffers=64MB',
        });
        // An idle client whose server went away (restart, failover) emits 'error': without a listener
        // that is an uncaught exception that ends the process. The pool drops the client and the next
        // query opens a new connection; a query in flight fails on its own and its job is retried.
        pool.on('error', (error: Error & { code?: string }) => new Logger('PgPool').warn(`idle PostgreSQL connection lost (${error.code ?? error.name})`));
        return pool;
      },
    },
  ],
  exports: [PG_POOL],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
