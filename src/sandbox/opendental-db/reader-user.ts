import { openSandboxConnection, parseMysqlUrl, quoteIdent } from './connection';
import { OPENDENTAL_SANDBOX_TABLES } from './schema.generated';

/** A MariaDB login that may only read one sandbox database, as an office would grant to an integrator. */
export interface SandboxReader {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/**
 * Creates (or resets) a read-only MariaDB user for a sandbox database: `SELECT` on that
 * database only, so the integration runs with the privileges a real office would grant.
 * @throws the driver's error when the server refuses (the URL's user needs CREATE USER and GRANT).
 */
export async function ensureSandboxReader(mysqlUrl: string, database: string, username = 'ehr_sandbox_reader', password = 'sandbox-reader-pw'): Promise<SandboxReader> {
  const target = parseMysqlUrl(mysqlUrl);
  const connection = await openSandboxConnection(mysqlUrl);
  try {
    await connection.query(`CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?`, [username, password]);
    await connection.query(`CREATE USER IF NOT EXISTS ?@'localhost' IDENTIFIED BY ?`, [username, password]);
    await connection.query(`ALTER USER ?@'%' IDENTIFIED BY ?`, [username, password]);
    await connection.query(`ALTER USER ?@'localhost' IDENTIFIED BY ?`, [username, password]);
    await connection.query(`GRANT SELECT ON ${quoteIdent(database)}.* TO ?@'%'`, [username]);
    await connection.query(`GRANT SELECT ON ${quoteIdent(database)}.* TO ?@'localhost'`, [username]);
  } finally {
    await connection.end();
  }
  return { host: target.host, port: target.port, database, username, password };
}

/**
 * Creates (dropping it first) a MariaDB login that may read every sandbox table of `database`
 * except `withoutTables`: `SELECT` granted table by table, as offices hand out partial grants.
 * Reading a withheld table then fails with ER_TABLEACCESS_DENIED_ERROR (1142).
 * @throws the driver's error when the server refuses (the URL's user needs CREATE USER and GRANT).
 */
export async function ensurePartialSandboxReader(
  mysqlUrl: string, database: string, username: string, withoutTables: string[], password = 'sandbox-reader-pw',
): Promise<SandboxReader> {
  const target = parseMysqlUrl(mysqlUrl);
  const withheld = new Set(withoutTables);
  const connection = await openSandboxConnection(mysqlUrl);
  try {
    for (const host of ['%', 'localhost']) {
      await connection.query(`DROP USER IF EXISTS ?@?`, [username, host]);
      await connection.query(`CREATE USER ?@? IDENTIFIED BY ?`, [username, host, password]);
      for (const table of OPENDENTAL_SANDBOX_TABLES.filter((t) => !withheld.has(t))) {
        await connection.query(`GRANT SELECT ON ${quoteIdent(database)}.${quoteIdent(table)} TO ?@?`, [username, host]);
      }
    }
  } finally {
    await connection.end();
  }
  return { host: target.host, port: target.port, database, username, password };
}
