import { openSandboxConnection, parseMysqlUrl, quoteIdent } from './connection';

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
