import { Connection } from 'mysql2';
import { query as runQuery, translateMysqlError } from './mysql-connection';

/** Position in a table ordered by `(DateTStamp, primary key)`, or by the key alone (`ts` absent: a whole-table pass). */
export interface KeysetPosition {
  ts?: string;
  pk: string;
}

/** What to read: a table, its change stamp and key, and extra filters. */
export interface KeysetQuery {
  /** The FROM clause: a table, or a table and its joins. */
  table: string;
  pk: string;
  /**
   * Change stamp column, or null for a whole-table pass: rows ordered by `pk` alone, with no
   * `until` bound (for resources read whole every time, whose rows have no usable stamp).
   */
  ts: string | null;
  columns: string;
  /** Extra SQL conditions joined with AND, with `?` placeholders. */
  where: string[];
  params: unknown[];
  /**
   * One object per table (alias) of the select list, `{ patplan: {...}, inssub: {...} }`: for
   * joins whose tables share column names. `pk` and `ts` are then written `alias.column`.
   */
  nestTables?: boolean;
  /**
   * Columns never selected (file content). The select list is then `table`'s columns as the
   * server lists them minus these, so any OpenDental schema version works; `columns` is ignored.
   */
  omit?: string[];
}

/** A value of a row by column (`alias.column` for nested rows). */
export function columnValue(q: KeysetQuery, row: Record<string, unknown>, column: string): unknown {
  if (!q.nestTables) return row[column];
  const dot = column.indexOf('.');
  return (row[column.slice(0, dot)] as Record<string, unknown> | undefined)?.[column.slice(dot + 1)];
}

/** The keyset position just after `row`. */
export function positionOf(q: KeysetQuery, row: Record<string, unknown>): KeysetPosition {
  const pk = String(columnValue(q, row, q.pk));
  return q.ts === null ? { pk } : { ts: String(columnValue(q, row, q.ts)), pk };
}

/** `table`'s columns minus `omit`, quoted, in the server's order. @throws ProviderException. */
async function columnsWithout(connection: Connection, table: string, omit: string[]): Promise<string> {
  const skip = new Set(omit.map((c) => c.toLowerCase()));
  const fields = await runQuery<{ Field: string }>(connection, `SHOW COLUMNS FROM \`${table.replace(/`/g, '``')}\``);
  return fields.map((f) => f.Field).filter((f) => !skip.has(f.toLowerCase())).map((f) => `\`${f.replace(/`/g, '``')}\``).join(', ');
}

/**
 * Streams rows of `q` after `from` and before `until` (exclusive), ordered by
 * `(ts, pk)`. The condition `(ts > :ts) OR (ts = :ts AND pk > :pk)` means rows sharing one
 * DateTStamp across a batch boundary are never skipped (the Airbyte #15427 failure), and the
 * `until` bound (the server's clock at the start of the read) leaves rows stamped in the
 * current second to the next run, when that second is complete.
 * A query without `ts` streams every row after `from.pk`, ordered by `pk`, ignoring `until`.
 * Rows are pulled from mysql2's stream with backpressure: the table is never buffered whole.
 * @throws ProviderException on query errors.
 */
export async function* streamKeyset(
  connection: Connection,
  q: KeysetQuery,
  from: KeysetPosition | null,
  until: string,
  limit: number | undefined,
): AsyncGenerator<Record<string, unknown>> {
  let sql: string;
  let params: unknown[];
  const columns = q.omit ? await columnsWithout(connection, q.table, q.omit) : q.columns;
  if (q.ts !== null) {
    const where = [...q.where, `${q.ts} < ?`];
    params = [...q.params, until];
    if (from) {
      where.push(`(${q.ts} > ? OR (${q.ts} = ? AND ${q.pk} > ?))`);
      params.push(from.ts, from.ts, from.pk);
    }
    sql = `SELECT ${columns} FROM ${q.table} WHERE ${where.join(' AND ')} ORDER BY ${q.ts}, ${q.pk}`;
  } else {
    const where = [...q.where];
    params = [...q.params];
    if (from) {
      where.push(`${q.pk} > ?`);
      params.push(from.pk);
    }
    sql = `SELECT ${columns} FROM ${q.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${q.pk}`;
  }
  if (limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(limit);
  }
  // Rows come as arrays and are turned into objects by a constructor generated for the column
  // list: mysql2's own row objects of wide tables (patient has 84 columns) are dictionary-mode
  // objects, about ten times slower to read and serialise.
  const query = connection.query({ sql, values: params, rowsAsArray: true });
  let build: ((values: unknown[]) => Record<string, unknown>) | null = null;
  query.on('fields', (fields: Array<{ name: string; table: string }>) => {
    build = q.nestTables ? nestedRowBuilder(fields) : rowBuilder(fields.map((f) => f.name));
  });
  const stream = query.stream({ highWaterMark: 1000 });
  try {
    for await (const values of stream) yield build!(values as unknown[]);
  } catch (error) {
    throw translateMysqlError(error);
  } finally {
    stream.destroy();
  }
}

/**
 * Makes a function that turns a row array into an object with the given keys, through a
 * constructor generated once per column list so every row shares one hidden class.
 */
export function rowBuilder(names: string[]): (values: unknown[]) => Record<string, unknown> {
  const body = names.map((name, i) => `this[${JSON.stringify(name)}] = v[${i}];`).join('\n');
  const Row = new Function('v', body) as unknown as new (values: unknown[]) => Record<string, unknown>;
  return (values) => new Row(values);
}

/**
 * Makes a function that turns a row array of a join into one object per table (alias), each
 * built by {@link rowBuilder}: `{ patplan: { PatPlanNum, …, SecDateTEdit }, inssub: { …, SecDateTEdit } }`.
 */
export function nestedRowBuilder(fields: Array<{ name: string; table: string }>): (values: unknown[]) => Record<string, unknown> {
  const groups = new Map<string, number[]>();
  fields.forEach((f, i) => groups.set(f.table, [...(groups.get(f.table) ?? []), i]));
  const parts = [...groups].map(([table, indexes]) => ({ table, indexes, build: rowBuilder(indexes.map((i) => fields[i].name)) }));
  return (values) => {
    const out: Record<string, unknown> = {};
    for (const part of parts) out[part.table] = part.build(part.indexes.map((i) => values[i]));
    return out;
  };
}
