import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { quoteIdent } from './connection';
import { ByteSink, RowEncoder, type Row } from './row-format';

/**
 * Bulk loading of generated rows. LOAD DATA LOCAL INFILE fed by a stream is the fast
 * path (the server parses one chunk while we generate the next); multi-row INSERTs of
 * ~2000 rows are the fallback for servers started with `local_infile=OFF`.
 */

/** How rows reach the server. */
export type LoadMethod = 'load-data' | 'insert';

/** Chunk size for LOAD DATA packets: far below max packet size, big enough to amortise. */
const CHUNK_BYTES = 1 << 20;
/** Rows per INSERT statement on the fallback path. */
const INSERT_BATCH_ROWS = 2000;

/** Server error codes meaning "LOCAL INFILE is not allowed here". */
const LOCAL_INFILE_REFUSED = new Set(['ER_NOT_ALLOWED_COMMAND', 'ER_LOAD_INFILE_CAPABILITY_DISABLED', 'ER_CLIENT_LOCAL_FILES_DISABLED']);

/** True when the error says LOAD DATA LOCAL is disabled (so INSERTs should be used). */
export function isLocalInfileRefused(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code !== undefined && LOCAL_INFILE_REFUSED.has(code);
}

/** The socket under a mysql2/promise connection, used only for write backpressure. */
function socketOf(conn: Connection): NodeJS.WritableStream & { writableNeedDrain?: boolean } {
  return (conn as unknown as { connection: { stream: NodeJS.WritableStream } }).connection.stream;
}

/** Throws with the first server warnings: LOAD DATA LOCAL turns data errors into warnings. */
async function failOnWarnings(conn: Connection, table: string, header: ResultSetHeader): Promise<void> {
  if (!header.warningStatus) return;
  const [warnings] = await conn.query('SHOW WARNINGS LIMIT 5');
  throw new Error(`Loading ${table}: ${header.warningStatus} warning(s): ${JSON.stringify(warnings)}`);
}

/** Streams rows into `table` with LOAD DATA LOCAL INFILE. @returns rows affected. */
async function loadData(conn: Connection, table: string, rows: Iterable<Row>): Promise<number> {
  const enc = new RowEncoder(table);
  const socket = socketOf(conn);
  async function* chunks(): AsyncGenerator<Buffer> {
    const sink = new ByteSink();
    for (const row of rows) {
      enc.writeTsv(row, sink);
      if (sink.length >= CHUNK_BYTES) {
        yield sink.take();
        // mysql2 writes packets without waiting; wait here so memory stays flat.
        if (socket.writableNeedDrain) await once(socket, 'drain');
      }
    }
    if (sink.length > 0) yield sink.take();
  }
  const cols = enc.columns.map(quoteIdent).join(',');
  const sql =
    `LOAD DATA LOCAL INFILE 'sandbox-${table}.tsv' INTO TABLE ${quoteIdent(table)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${cols})`;
  const [header] = await conn.query<ResultSetHeader>({
    sql,
    infileStreamFactory: () => Readable.from(chunks(), { objectMode: false }),
  });
  await failOnWarnings(conn, table, header);
  return header.affectedRows;
}

/** Inserts rows with multi-row INSERT statements. @returns rows affected. */
async function insertBatches(conn: Connection, table: string, rows: Iterable<Row>): Promise<number> {
  const enc = new RowEncoder(table);
  const prefix = enc.insertPrefix();
  let tuples: string[] = [];
  let total = 0;
  const flush = async (): Promise<void> => {
    if (tuples.length === 0) return;
    const [header] = await conn.query<ResultSetHeader>(prefix + tuples.join(','));
    total += header.affectedRows;
    tuples = [];
  };
  for (const row of rows) {
    tuples.push(enc.sqlTuple(row));
    if (tuples.length >= INSERT_BATCH_ROWS) await flush();
  }
  await flush();
  return total;
}

/**
 * Loads all rows of one table inside one transaction (one commit = one fsync).
 * @param rows factory called once per attempt (a second time on the INSERT fallback).
 * @returns number of rows written.
 * @throws the server error, or Error when the server reported data warnings.
 */
export async function loadTable(
  conn: Connection,
  table: string,
  rows: () => Iterable<Row>,
  method: LoadMethod = 'load-data',
): Promise<{ count: number; method: LoadMethod }> {
  if (method === 'load-data') {
    try {
      await conn.beginTransaction();
      const count = await loadData(conn, table, rows());
      await conn.commit();
      return { count, method };
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      if (!isLocalInfileRefused(e)) throw e;
    }
  }
  await conn.beginTransaction();
  try {
    const count = await insertBatches(conn, table, rows());
    await conn.commit();
    return { count, method: 'insert' };
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}
