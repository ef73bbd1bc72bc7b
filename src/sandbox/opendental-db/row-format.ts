import { OPENDENTAL_COLUMNS, OPENDENTAL_COLUMN_TYPES } from './schema.generated';

/**
 * Rows as the generators produce them, and their encoding for LOAD DATA (TSV) or a
 * multi-row INSERT. Dates are plain strings in OpenDental's formats ('yyyy-MM-dd',
 * 'yyyy-MM-dd HH:mm:ss'), never JS Dates, so no time-zone conversion can creep in.
 */

/** A column value: numbers for numeric columns, strings for everything else. */
export type SqlValue = string | number;
/** One table row keyed by OpenDental column name; missing columns take OpenDental's "empty" value. */
export type Row = Record<string, SqlValue>;

/** OpenDental's "no date" value (DateTime.MinValue), e.g. an unknown Birthdate. */
export const MIN_DATE = '0001-01-01';
/** OpenDental's "no date-time" value, e.g. DateTimeArrived of a visit not yet arrived. */
export const MIN_DATETIME = '0001-01-01 00:00:00';

const PAD2 = Array.from({ length: 60 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const MS_PER_DAY = 86_400_000;
/** 'yyyy-MM-dd' per epoch day: a build formats millions of dates over ~1,000 distinct days. */
const dayCache = new Map<number, string>();

/** 'yyyy-MM-dd' of an epoch-milliseconds instant, read in UTC. */
export function toDate(ms: number): string {
  const day = Math.floor(ms / MS_PER_DAY);
  let s = dayCache.get(day);
  if (s === undefined) {
    const d = new Date(day * MS_PER_DAY);
    s = `${String(d.getUTCFullYear()).padStart(4, '0')}-${PAD2[d.getUTCMonth() + 1]}-${PAD2[d.getUTCDate()]}`;
    if (dayCache.size < 100_000) dayCache.set(day, s);
  }
  return s;
}

/** 'yyyy-MM-dd HH:mm:ss' of an epoch-milliseconds instant, read in UTC. */
export function toDateTime(ms: number): string {
  const secs = Math.floor((ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY) / 1000);
  return `${toDate(ms)} ${PAD2[Math.floor(secs / 3600)]}:${PAD2[Math.floor(secs / 60) % 60]}:${PAD2[secs % 60]}`;
}

/**
 * "Empty" value OpenDental stores for a column type when nothing is set; `undefined`
 * for timestamp columns, which the sandbox must always stamp explicitly.
 */
export function emptyValue(type: string): SqlValue | undefined {
  const t = type.toLowerCase();
  if (t === 'timestamp') return undefined;
  if (t === 'date') return MIN_DATE;
  if (t === 'datetime') return MIN_DATETIME;
  if (t === 'time') return '00:00:00';
  if (/^(tinyint|smallint|mediumint|int|bigint|double|float|decimal)/.test(t)) return 0;
  return '';
}

const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_REPLACE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/** Escapes a value for LOAD DATA ... FIELDS TERMINATED BY '\t' ESCAPED BY '\\'. */
export function tsvField(v: SqlValue): string {
  if (typeof v === 'number') return String(v);
  return TSV_SPECIAL.test(v) ? v.replace(/[\\\t\n\r\0]/g, (c) => TSV_REPLACE[c]) : v;
}

/** Escapes a value as a MySQL literal (NO_BACKSLASH_ESCAPES off, the default). */
export function sqlLiteral(v: SqlValue): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`Non-finite number ${v}`);
    return String(v);
  }
  return `'${v.replace(/[\\'\0\n\r\x1a]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z' })[c] as string)}'`;
}

/**
 * Encodes rows of one table in its schema column order, filling unset columns with
 * OpenDental's empty values (text columns have no DB default, so they must be sent).
 */
export class RowEncoder {
  readonly columns: string[];
  private readonly defaults: Array<SqlValue | undefined>;
  private readonly defaultsTsv: Array<string | undefined>;
  private readonly parts: string[];

  /**
   * @param table sandbox table name.
   * @param omit columns left out of the encoding (e.g. DateTStamp, so MariaDB stamps now()).
   * @throws Error for a table that is not in the generated schema.
   */
  constructor(readonly table: string, omit: readonly string[] = []) {
    const cols = OPENDENTAL_COLUMNS[table];
    const types = OPENDENTAL_COLUMN_TYPES[table];
    if (!cols || !types) throw new Error(`Unknown sandbox table ${table}`);
    const keep = cols.map((c) => !omit.includes(c));
    this.columns = cols.filter((_, i) => keep[i]);
    this.defaults = types.filter((_, i) => keep[i]).map(emptyValue);
    this.defaultsTsv = this.defaults.map((d) => (d === undefined ? undefined : tsvField(d)));
    this.parts = new Array<string>(this.columns.length).fill('');
  }

  /** Column values in order. @throws Error when a timestamp column is missing from the row. */
  values(row: Row): SqlValue[] {
    const out = new Array<SqlValue>(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      const v = row[this.columns[i]] ?? this.defaults[i];
      if (v === undefined) throw new Error(`${this.table}.${this.columns[i]} must be set explicitly`);
      out[i] = v;
    }
    return out;
  }

  /**
   * Appends one LOAD DATA line to `out`. The line is joined from a reused array (one
   * flat string) and written with a single Buffer.write: `+=` ropes kept V8's garbage
   * collector busy for half of a 200,000-patient build, one write per field cost more.
   * @throws Error when a timestamp column is missing from the row.
   */
  writeTsv(row: Row, out: ByteSink): void {
    const cols = this.columns;
    const parts = this.parts;
    for (let i = 0; i < cols.length; i++) {
      const v = row[cols[i]];
      if (v === undefined) {
        const d = this.defaultsTsv[i];
        if (d === undefined) throw new Error(`${this.table}.${cols[i]} must be set explicitly`);
        parts[i] = d;
      } else parts[i] = typeof v === 'number' ? String(v) : tsvField(v);
    }
    out.text(parts.join('\t'));
    out.byte(10);
  }

  /** One LOAD DATA line, newline included (the bulk path uses writeTsv). */
  tsvLine(row: Row): string {
    return `${this.values(row).map(tsvField).join('\t')}\n`;
  }

  /** One `(v1, v2, ...)` tuple for a multi-row INSERT. */
  sqlTuple(row: Row): string {
    return `(${this.values(row).map(sqlLiteral).join(',')})`;
  }

  /** `INSERT INTO t (cols) VALUES ` prefix for sqlTuple() output. */
  insertPrefix(): string {
    return `INSERT INTO \`${this.table}\` (${this.columns.map((c) => `\`${c}\``).join(',')}) VALUES `;
  }
}

/** Growable byte buffer that LOAD DATA chunks are written into. */
export class ByteSink {
  private buf = Buffer.allocUnsafe(1 << 21);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Appends one byte. */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  /** Appends a string as UTF-8. */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** Copies out the bytes written so far and empties the sink. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}
