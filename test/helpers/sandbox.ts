import { buildOpenDentalSandbox } from '../../src/sandbox/opendental-db';
import { ensureSandboxReader, SandboxReader } from '../../src/sandbox/opendental-db/reader-user';

const MYSQL_URL = () => process.env.SANDBOX_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** Builds a sandbox OpenDental database for a test and returns a read-only login for it. */
export async function buildSandbox(database: string, patients: number, seed = 7): Promise<SandboxReader & { mysqlUrl: string; counts: Record<string, number> }> {
  const built = await buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL(), database, patients, seed });
  const reader = await ensureSandboxReader(MYSQL_URL(), database);
  return { ...reader, mysqlUrl: MYSQL_URL(), counts: built.counts };
}

/** The integration body for a sandbox login (config + credentials). */
export function integrationBody(reader: SandboxReader, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vendor: 'opendental-db', name: `Sandbox ${reader.database}`, environment: 'sandbox',
    config: { host: reader.host, port: reader.port, database: reader.database, username: reader.username, timeZone: 'America/Chicago', ...extra },
    credentials: { password: reader.password },
  };
}

/**
 * A spec's sandbox database name, prefixed with `TEST_DB_PREFIX` when set, so two checkouts can
 * run the same spec side by side on one MariaDB server (names stay under MariaDB's 64 characters).
 */
export function specDatabase(name: string): string {
  return `${process.env.TEST_DB_PREFIX ?? ''}${name}`;
}
