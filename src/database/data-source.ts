import 'reflect-metadata';
import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * TypeORM options shared by the app and the CLI. Entities are found by glob in the compiled
 * tree; migrations come from `migrations/`. `synchronize` is always off: the migrations are the truth.
 */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const root = join(__dirname, '..', '..');
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: [join(root, 'src', '**', '*.entity.{js,ts}')],
    migrations: [join(root, 'migrations', '*.{js,ts}')],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: 10, application_name: 'ehr-sync-hub' },
  };
}
