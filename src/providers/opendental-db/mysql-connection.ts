import { createConnection, Connection, ConnectionOptions } from 'mysql2';
import { resolveChecked, throwIfRefused } from '../common/outbound';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { OpenDentalDbConfig } from './opendental-db.config';

const AUTH_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_TABLEACCESS_DENIED_ERROR', 'ER_NOT_SUPPORTED_AUTH_MODE']);
const MISSING_CODES = new Set(['ER_BAD_DB_ERROR', 'ER_NO_SUCH_TABLE', 'ER_BAD_FIELD_ERROR']);
const TEMPORARY_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);

/**
 * Translates a mysql2 error into a {@link ProviderException} whose message names the error
 * code but never the driver's text (it can echo the user name, host or SQL with PHI).
 */
export function translateMysqlError(error: unknown): ProviderException {
  const code = String((error as { code?: string })?.code ?? 'UNKNOWN');
  if (AUTH_CODES.has(code)) {
    return new ProviderException(ProviderExceptionCode.AUTHENTICATION_FAILED, `Authentication failed: the database rejected the username or password (${code})`);
  }
  if (MISSING_CODES.has(code)) {
    return new ProviderException(ProviderExceptionCode.INVALID_CONFIG, `The database or an OpenDental table was not found (${code})`);
  }
  if (TEMPORARY_CODES.has(code)) {
    return new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, `Could not reach the database server (${code})`);
  }
  return new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `Database error (${code})`, { temporary: true });
}

/**
 * Opens one connection to an OpenDental MySQL/MariaDB server: `dateStrings` keeps
 * `0001-01-01` and avoids time-zone shifts, the session runs in UTC so `timestamp` columns
 * (DateTStamp) read the same on every server, and big numbers stay exact.
 * @throws ProviderException (authentication, missing database, unreachable).
 */
export async function openConnection(config: OpenDentalDbConfig, password: string, database?: string | null): Promise<Connection> {
  let host: string;
  try {
    // Connect to the checked address itself, so a DNS answer cannot change between check and connect.
    host = await resolveChecked(config.host);
  } catch (error) {
    throwIfRefused(error, 'The OpenDental database');
    throw translateMysqlError(error);
  }
  const options: ConnectionOptions = {
    host,
    port: config.port,
    user: config.username,
    password,
    database: database === null ? undefined : database ?? config.database,
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 10_000,
    charset: 'utf8mb4',
  };
  const connection = createConnection(options);
  try {
    await new Promise<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
    await query(connection, "SET time_zone = '+00:00'");
    return connection;
  } catch (error) {
    connection.destroy();
    throw translateMysqlError(error);
  }
}

/** Runs one query and resolves its rows. @throws ProviderException. */
export function query<T = Record<string, unknown>>(connection: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    connection.query(sql, params, (err, rows) => (err ? reject(translateMysqlError(err)) : resolve(rows as T[])));
  });
}

/** Closes a connection, ignoring errors (it may already be gone). */
export async function closeConnection(connection: Connection): Promise<void> {
  await new Promise<void>((resolve) => connection.end(() => resolve()));
}
