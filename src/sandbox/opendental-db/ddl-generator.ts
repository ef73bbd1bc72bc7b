import { XMLParser } from 'fast-xml-parser';

/**
 * Turns OpenDental's official schema document (OpenDentalDocumentation25-4.xml,
 * `<database version><table name><column order name type fk>`) into the TypeScript
 * module `schema.generated.ts` that holds MySQL DDL for the sandbox tables.
 *
 * Kept pure (text in, text out) so a spec can regenerate and compare with the
 * committed file without touching the file system.
 */

/** Tables the sandbox creates, in creation order (referenced tables first). */
export const SANDBOX_TABLE_NAMES: readonly string[] = [
  'definition',
  'clinic',
  'provider',
  'operatory',
  'carrier',
  'insplan',
  'patient',
  'inssub',
  'patplan',
  'appointment',
  'histappointment',
  'deletedobject',
  'document',
];

/** Secondary indexes per table (index name = column name, as OpenDental names them). */
const SECONDARY_INDEXES: Record<string, string[]> = {
  patient: ['DateTStamp'],
  appointment: ['DateTStamp', 'PatNum'],
  provider: ['DateTStamp'],
  operatory: ['DateTStamp'],
  deletedobject: ['DateTStamp'],
  patplan: ['PatNum'],
  // Not in the brief's list, but the REST simulator lists documents by PatNum.
  document: ['PatNum'],
};

/** Timestamp columns that OpenDental lets MySQL stamp on every insert and update. */
const AUTO_STAMP_COLUMNS = new Set(['DateTStamp', 'SecDateTEdit', 'HistDateTStamp']);

/** One column as the schema document describes it. */
export interface SchemaColumn {
  order: number;
  name: string;
  type: string;
  fk?: string;
}

/** Parsed schema document: version and the columns (sorted by `order`) of every table. */
export interface ParsedSchema {
  version: string;
  tables: Map<string, SchemaColumn[]>;
}

/**
 * Parses the schema XML.
 * @throws Error when the root `<database>` element or its version is missing.
 */
export function parseSchemaXml(xmlText: string): ParsedSchema {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    // Summaries and enumerations are not needed; arrays keep one-column tables uniform.
    isArray: (name) => name === 'table' || name === 'column',
    parseAttributeValue: false,
  });
  const doc = parser.parse(xmlText.replace(/^\uFEFF/, '')) as {
    database?: { version?: string; table?: Array<{ name: string; column?: Array<Record<string, string>> }> };
  };
  if (!doc.database?.version) throw new Error('Schema XML has no <database version="..."> root');
  const tables = new Map<string, SchemaColumn[]>();
  for (const t of doc.database.table ?? []) {
    const cols = (t.column ?? []).map((c) => ({
      order: Number(c.order),
      name: String(c.name),
      type: String(c.type),
      ...(c.fk ? { fk: String(c.fk) } : {}),
    }));
    cols.sort((a, b) => a.order - b.order);
    tables.set(String(t.name), cols);
  }
  return { version: String(doc.database.version), tables };
}

/**
 * NOT NULL/DEFAULT clause for one column, following OpenDental's conventions
 * (empty string, 0, '0001-01-01' for "no value").
 * @throws Error for a column type the sandbox does not know how to default.
 */
export function columnClause(col: SchemaColumn, isPrimaryKey: boolean): string {
  const t = col.type.toLowerCase();
  if (isPrimaryKey) return /^bigint/.test(t) ? 'NOT NULL AUTO_INCREMENT' : 'NOT NULL';
  if (t === 'timestamp') {
    return AUTO_STAMP_COLUMNS.has(col.name)
      ? 'NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'
      : 'NOT NULL DEFAULT CURRENT_TIMESTAMP';
  }
  // MySQL before 8.0.13 rejects DEFAULT on TEXT/BLOB columns, and OpenDental itself
  // declares them "NOT NULL" with no default: inserts must list every text column.
  if (/^(tiny|medium|long)?(text|blob)$/.test(t)) return 'NOT NULL';
  if (/^(var)?char\(\d+\)$/.test(t)) return "NOT NULL DEFAULT ''";
  if (/^(tinyint|smallint|mediumint|int|bigint)(\(\d+\))?$/.test(t)) return 'NOT NULL DEFAULT 0';
  if (/^(double|float|decimal)(\(\d+(,\d+)?\))?$/.test(t)) return 'NOT NULL DEFAULT 0';
  if (t === 'date') return "NOT NULL DEFAULT '0001-01-01'";
  if (t === 'datetime') return "NOT NULL DEFAULT '0001-01-01 00:00:00'";
  if (t === 'time') return "NOT NULL DEFAULT '00:00:00'";
  throw new Error(`No default rule for ${col.name} ${col.type}`);
}

/**
 * CREATE TABLE statement for one table (InnoDB, utf8mb4, PK = column order 0).
 * @throws Error when the table has no columns or an unknown column type.
 */
export function createTableSql(table: string, columns: SchemaColumn[]): string {
  if (columns.length === 0) throw new Error(`Table ${table} has no columns in the schema XML`);
  const pk = columns[0];
  const lines = columns.map((c) => `  \`${c.name}\` ${c.type} ${columnClause(c, c === pk)},`);
  const keys = [`  PRIMARY KEY (\`${pk.name}\`)`];
  for (const idx of SECONDARY_INDEXES[table] ?? []) {
    if (!columns.some((c) => c.name === idx)) throw new Error(`Index column ${table}.${idx} not in schema`);
    keys.push(`  KEY \`${idx}\` (\`${idx}\`)`);
  }
  return [
    `CREATE TABLE \`${table}\` (`,
    ...lines,
    keys.join(',\n'),
    ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  ].join('\n');
}

/** Renders `Record<string, T>` as TypeScript source, one property per table. */
function renderRecord(entries: Array<[string, string]>): string {
  return `{\n${entries.map(([k, v]) => `  ${k}: ${v},`).join('\n')}\n}`;
}

/** Renders a string array, wrapping at ~100 characters for readable diffs. */
function renderStringArray(items: string[], indent: string): string {
  const lines: string[] = [];
  let cur = '';
  for (const quoted of items.map((s) => JSON.stringify(s))) {
    if (cur && cur.length + quoted.length + 2 > 96) {
      lines.push(cur.trimEnd());
      cur = '';
    }
    cur += `${quoted}, `;
  }
  if (cur) lines.push(cur.trimEnd());
  return `[\n${lines.map((l) => `${indent}  ${l}`).join('\n')}\n${indent}]`;
}

/**
 * Generates the full text of `schema.generated.ts` from the schema XML text.
 * Deterministic: the same XML always gives byte-identical output.
 * @throws Error when a sandbox table is missing from the XML or a type is unknown.
 */
export function generateDdlModule(xmlText: string): string {
  const schema = parseSchemaXml(xmlText);
  const columns: Array<[string, string]> = [];
  const types: Array<[string, string]> = [];
  const ddl: Array<[string, string]> = [];
  for (const table of SANDBOX_TABLE_NAMES) {
    const cols = schema.tables.get(table);
    if (!cols) throw new Error(`Table ${table} not found in schema XML ${schema.version}`);
    columns.push([table, renderStringArray(cols.map((c) => c.name), '  ')]);
    types.push([table, renderStringArray(cols.map((c) => c.type), '  ')]);
    const sqlLines = createTableSql(table, cols).split('\n').map((l) => `    ${JSON.stringify(l)},`);
    ddl.push([table, `[\n${sqlLines.join('\n')}\n  ].join('\\n')`]);
  }
  return [
    '/*',
    ' * GENERATED FILE - DO NOT EDIT BY HAND.',
    ` * Generated from OpenDentalDocumentation25-4.xml (DB version ${schema.version}) by \`npm run sandbox:ddl\``,
    ' * (src/cli/generate-sandbox-ddl.ts using src/sandbox/opendental-db/ddl-generator.ts).',
    ' * `npm run sandbox:ddl -- --check` fails when this file is out of date.',
    ' */',
    '',
    '/** OpenDental database version of the schema document these tables come from. */',
    `export const OPENDENTAL_SCHEMA_VERSION = ${JSON.stringify(schema.version)};`,
    '',
    '/** Sandbox tables in creation order. */',
    `export const OPENDENTAL_SANDBOX_TABLES: string[] = ${renderStringArray([...SANDBOX_TABLE_NAMES], '')};`,
    '',
    '/** Column names per table, in schema `order` (order 0 is the primary key). */',
    `export const OPENDENTAL_COLUMNS: Record<string, string[]> = ${renderRecord(columns)};`,
    '',
    '/** Column types per table as the schema XML spells them, parallel to OPENDENTAL_COLUMNS. */',
    `export const OPENDENTAL_COLUMN_TYPES: Record<string, string[]> = ${renderRecord(types)};`,
    '',
    '/** CREATE TABLE statements (MySQL/MariaDB, InnoDB, utf8mb4). */',
    `export const OPENDENTAL_DDL: Record<string, string> = ${renderRecord(ddl)};`,
    '',
  ].join('\n');
}
