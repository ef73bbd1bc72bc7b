/**
 * OpenDental MySQL sandbox ("opendental-db sandbox"): a simulated OpenDental 25.4 database
 * whose tables come from the official schema document OpenDentalDocumentation25-4.xml
 * (see schema.generated.ts, `npm run sandbox:ddl`), filled with deterministic synthetic
 * data, plus a mutator that simulates office activity for incremental-sync tests.
 *
 * Typical use (integration tests, demo):
 *
 *   const summary = await buildOpenDentalSandbox({
 *     mysqlUrl: 'mysql://root@127.0.0.1:3306', database: 'od_sandbox', patients: 5000, seed: 1,
 *   });
 *   // summary.counts.patient === 5000; every DateTStamp is before summary.referenceDate
 *   const changes = await mutateOpenDentalSandbox({
 *     mysqlUrl: 'mysql://root@127.0.0.1:3306', database: 'od_sandbox', seed: 2,
 *     updatePatients: 10, deletePatients: 2, addPatients: 3, updateAppointments: 5, deleteAppointments: 2,
 *   });
 *   // rows in changes.* now carry DateTStamp = now (MariaDB's ON UPDATE CURRENT_TIMESTAMP)
 *   const conn = await openSandboxConnection('mysql://root@127.0.0.1:3306', 'od_sandbox');
 *
 * Determinism: the same seed, patient count and reference day (default: today, UTC) give
 * byte-identical tables, whether rows go through LOAD DATA or INSERT.
 *
 * Times are OpenDental "office local time" stored as-is: read them through a session with
 * `time_zone = '+00:00'` (openSandboxConnection does) or TIMESTAMP columns will shift.
 */
export { buildOpenDentalSandbox, type BuildSandboxOptions, type SandboxSummary } from './build-sandbox';
export { mutateOpenDentalSandbox, type MutateSandboxOptions, type MutationSummary } from './mutate-sandbox';
export { assertDatabaseName, openSandboxConnection, parseMysqlUrl, type MysqlTarget } from './connection';
export { OpenDentalGenerator, DEFAULT_SANDBOX_SEED, type GeneratorOptions } from './generator';
export { generateDdlModule } from './ddl-generator';
export type { LoadMethod } from './loader';
export type { Row, SqlValue } from './row-format';
export {
  OPENDENTAL_COLUMNS,
  OPENDENTAL_COLUMN_TYPES,
  OPENDENTAL_DDL,
  OPENDENTAL_SANDBOX_TABLES,
  OPENDENTAL_SCHEMA_VERSION,
} from './schema.generated';
