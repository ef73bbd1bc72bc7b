import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';

/**
 * Connection settings for the OpenDental sandbox. DESIGN-NOTES: mysql2 with
 * `dateStrings` and a UTC session keeps OpenDental's '0001-01-01' dates and its
 * per-second DateTStamp values exactly as stored, with no time-zone shift.
 */

/** Host, port and credentials parsed from a `mysql://user:pass@host:port` URL. */
export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * Parses a `mysql://user[:password]@host[:port]` URL (any database path is ignored;
 * user defaults to root, port to 3306).
 * @throws TypeError on a malformed URL, Error on a scheme other than mysql:/mariadb:.
 */
export function parseMysqlUrl(mysqlUrl: string): MysqlTarget {
  const u = new URL(mysqlUrl);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
    throw new Error(`Expected a mysql:// URL, got ${u.protocol}//`);
  }
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
  };
}

/**
 * Opens a mysql2/promise connection for the sandbox: `dateStrings: true`,
 * `timezone: 'Z'`, `supportBigNumbers: true`, utf8mb4, and the session set to
 * `time_zone = '+00:00'` so TIMESTAMP columns read and write as stored.
 *
 * @param mysqlUrl e.g. `mysql://root@127.0.0.1:3306` (database part ignored).
 * @param database optional default schema (`USE`), e.g. `opendental_sandbox`.
 * @param extra extra mysql2 options (e.g. `infileStreamFactory`).
 * @returns an open connection; the caller must `end()` it.
 * @throws the mysql2 error when the server is unreachable or the database is missing.
 */
export async function openSandboxConnection(
  mysqlUrl: string,
  database?: string,
  extra: Partial<ConnectionOptions> = {},
): Promise<Connection> {
  const target = parseMysqlUrl(mysqlUrl);
  const conn = await createConnection({
    ...target,
    database,
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    charset: 'utf8mb4_general_ci',
    ...extra,
  });
  try {
    await conn.query("SET time_zone = '+00:00'");
  } catch (e) {
    await conn.end().catch(() => undefined);
    throw e;
  }
  return conn;
}

/** Quotes an identifier (database or table name) with backticks. @throws Error on a backtick or NUL. */
export function quoteIdent(name: string): string {
  if (!name || /[`\0]/.test(name)) throw new Error(`Invalid identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/**
 * Sandbox database names are interpolated into DDL, so only plain identifiers are allowed.
 * @throws Error for anything but 1-64 letters, digits and underscores.
 */
export function assertDatabaseName(database: string): void {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) throw new Error(`Invalid sandbox database name: ${JSON.stringify(database)}`);
}
