const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPABLE = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => ESCAPES[c];

/**
 * PostgreSQL COPY text format encoding: tab-separated, `\N` for NULL, and backslash, tab,
 * newline and carriage return escaped (https://www.postgresql.org/docs/current/sql-copy.html).
 * Exact escaping matters: a patient really named "NULL" must stay the text NULL.
 */
export function copyValue(value: string | number | boolean | Buffer | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (typeof value !== 'string') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, escapeChar) : value;
}

/** One COPY text line from column values. */
export function copyLine(values: Array<string | number | boolean | Buffer | null | undefined>): string {
  return values.map(copyValue).join('\t') + '\n';
}
