import { createConnection, Connection, ConnectionOptions } from 'mysql2';
import { resolveChecked, throwIfRefused } from '../common/outbound';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { OpenDentalDbConfig } from './opendental-db.config';

const AUTH_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_NOT_SUPPORTED_AUTH_MODE']);
const MISSING_CODES = new Set(['ER_BAD_DB_ERROR', 'ER_BAD_FIELD_ERROR']);
/** One table is absent (an office without the insurance module's tables, an older schema): that resource alone fails. */
const TABLE_MISSING_CODES = new Set(['ER_NO_SUCH_TABLE']);
/** The login lacks SELECT on one table or column (offices grant read-only users table by table): that resource alone fails. */
const TABLE_DENIED_CODES = new Set(['ER_TABLEACCESS_DENIED_ERROR', 'ER_COLUMNACCESS_DENIED_ERROR']);
const TEMPORARY_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);

/**
 * The table a MySQL/MariaDB error names ("Table 'db.patplan' doesn't exist", "… for table `db`.`document`"),
 * when it is a plain identifier: never the rest of the driver's text (user name, host).
 */
function tableOf(error: unknown): string | null {
  const text = String((error as { sqlMessage?: unknown; message?: unknown })?.sqlMessage ?? (error as { message?: unknown })?.message ?? '');
  const match = /table [`']?(?:[^`'.\s]+[`']?\.[`']?)?([A-Za-z0-9_]{1,64})[`']/i.exec(text);
  return match ? match[1] : null;
}

/** "the OpenDental table patplan", or "an OpenDental table" when the error names none. */
function tableName(error: unknown): string {
  const table = tableOf(error);
  return table ? `the OpenDental table ${table}` : 'an OpenDental table';
}

/**
 * Translates a mysql2 error into a {@link ProviderException} whose message names the error
 * code (and, for a table-level error, the table) but never the rest of the driver's text (it can
 * echo the user name, host or SQL with PHI). A missing table is RESOURCE_NOT_FOUND and a missing
 * table or column grant RESOURCE_FORBIDDEN, both permanent: the engine fails that resource alone
 * (MariaDB error codes 1146, 1142, 1143: https://mariadb.com/kb/en/mariadb-error-codes/).
 */
export function translateMysqlError(error: unknown): ProviderException {
  const code = String((error as { code?: string })?.code ?? 'UNKNOWN');
  if (AUTH_CODES.has(code)) {
    return new ProviderException(ProviderExceptionCode.AUTHENTICATION_FAILED, `Authentication failed: the database rejected the username or password (${code})`);
  }
  if (TABLE_MISSING_CODES.has(code)) {
    return new ProviderException(ProviderExceptionCode.RESOURCE_NOT_FOUND, `${tableName(error).replace(/^./, (c) => c.toUpperCase())} does not exist in this database (${code})`);
  }
  if (TABLE_DENIED_CODES.has(code)) {
    return new ProviderException(ProviderExceptionCode.RESOURCE_FORBIDDEN, `The database user may not read ${tableName(error)} (${code}): grant it SELECT`);
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
