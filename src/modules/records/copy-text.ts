/**
 * PostgreSQL COPY text format encoding: tab-separated, `\N` for NULL, and backslash, tab,
 * newline and carriage return escaped (https://www.postgresql.org/docs/current/sql-copy.html).
 * Exact escaping matters: a patient really named "NULL" must stay the text NULL.
 */
export function copyValue(value: string | number | boolean | Buffer | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (typeof value !== 'string') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One COPY text line from column values. */
export function copyLine(values: Array<string | number | boolean | Buffer | null | undefined>): string {
  return values.map(copyValue).join('\t') + '\n';
}
