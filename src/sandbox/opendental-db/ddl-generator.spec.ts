import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { columnClause, createTableSql, generateDdlModule, parseSchemaXml } from './ddl-generator';
import { OPENDENTAL_COLUMNS, OPENDENTAL_COLUMN_TYPES, OPENDENTAL_DDL, OPENDENTAL_SANDBOX_TABLES, OPENDENTAL_SCHEMA_VERSION } from './schema.generated';

// The official schema document sits outside the repository (see the README of vendors).
const XML_PATH = resolve(process.cwd(), '../shared/vendors/opendental/OpenDentalDocumentation25-4.xml');
const GENERATED_PATH = resolve(__dirname, 'schema.generated.ts');
const itWithXml = existsSync(XML_PATH) ? it : it.skip;

describe('ddl-generator', () => {
  itWithXml('regenerates exactly the committed schema.generated.ts from the XML', () => {
    const generated = generateDdlModule(readFileSync(XML_PATH, 'utf8'));
    expect(generated).toBe(readFileSync(GENERATED_PATH, 'utf8'));
  });

  itWithXml('keeps every column of the XML, in order, with its exact type', () => {
    const schema = parseSchemaXml(readFileSync(XML_PATH, 'utf8'));
    expect(schema.version).toBe('25.4.0.0');
    expect(schema.tables.size).toBe(426);
    for (const table of OPENDENTAL_SANDBOX_TABLES) {
      const cols = schema.tables.get(table) ?? [];
      expect(cols.map((c) => c.order)).toEqual(cols.map((_, i) => i));
      expect(OPENDENTAL_COLUMNS[table]).toEqual(cols.map((c) => c.name));
      expect(OPENDENTAL_COLUMN_TYPES[table]).toEqual(cols.map((c) => c.type));
    }
  });

  it('exports the sandbox tables with the column counts of the OpenDental 25.4 schema document', () => {
    expect(OPENDENTAL_SCHEMA_VERSION).toBe('25.4.0.0');
    const counts = Object.fromEntries(OPENDENTAL_SANDBOX_TABLES.map((t) => [t, OPENDENTAL_COLUMNS[t].length]));
    expect(counts).toMatchObject({
      patient: 84, appointment: 36, provider: 46, operatory: 14, insplan: 47, inssub: 14,
      patplan: 11, carrier: 28, document: 33, deletedobject: 4, histappointment: 41,
    });
    expect(readFileSync(GENERATED_PATH, 'utf8').split('\n')[1]).toContain('DO NOT EDIT BY HAND');
  });

  it('declares OpenDental-style NOT NULL defaults, auto stamps and indexes', () => {
    expect(OPENDENTAL_DDL.patient).toContain('`PatNum` bigint(20) NOT NULL AUTO_INCREMENT,');
    expect(OPENDENTAL_DDL.patient).toContain("`LName` varchar(100) NOT NULL DEFAULT '',");
    expect(OPENDENTAL_DDL.patient).toContain("`Birthdate` date NOT NULL DEFAULT '0001-01-01',");
    expect(OPENDENTAL_DDL.patient).toContain('`DateTStamp` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,');
    expect(OPENDENTAL_DDL.patient).toContain("`DateTimeDeceased` datetime NOT NULL DEFAULT '0001-01-01 00:00:00',");
    expect(OPENDENTAL_DDL.appointment).toContain('`Note` text NOT NULL,');
    expect(OPENDENTAL_DDL.document).toContain('`RawBase64` mediumtext NOT NULL,');
    expect(OPENDENTAL_DDL.insplan).toContain('`SecDateTEdit` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,');
    expect(OPENDENTAL_DDL.histappointment).toContain("`HistDateTStamp` datetime NOT NULL DEFAULT '0001-01-01 00:00:00',");
    for (const t of ['patient', 'appointment', 'provider', 'operatory', 'deletedobject']) {
      expect(OPENDENTAL_DDL[t]).toContain('KEY `DateTStamp` (`DateTStamp`)');
    }
    expect(OPENDENTAL_DDL.appointment).toContain('KEY `PatNum` (`PatNum`)');
    expect(OPENDENTAL_DDL.patplan).toContain('KEY `PatNum` (`PatNum`)');
    expect(OPENDENTAL_DDL.clinic).toMatch(/\) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4$/);
  });

  it('never puts a DEFAULT on text columns and rejects unknown types', () => {
    for (const type of ['text', 'mediumtext', 'longtext', 'tinytext', 'blob']) {
      expect(columnClause({ order: 3, name: 'X', type }, false)).toBe('NOT NULL');
    }
    expect(columnClause({ order: 0, name: 'K', type: 'bigint(20)' }, true)).toBe('NOT NULL AUTO_INCREMENT');
    expect(columnClause({ order: 4, name: 'T', type: 'time' }, false)).toBe("NOT NULL DEFAULT '00:00:00'");
    expect(columnClause({ order: 4, name: 'Other', type: 'timestamp' }, false)).toBe('NOT NULL DEFAULT CURRENT_TIMESTAMP');
    expect(() => columnClause({ order: 1, name: 'G', type: 'geometry' }, false)).toThrow(/No default rule/);
    expect(() => createTableSql('empty', [])).toThrow(/no columns/);
  });

  it('parses a minimal document and fails without a version', () => {
    const xml = '\uFEFF<database version="1.0"><table name="t"><column order="1" name="B" type="text"/>' +
      '<column order="0" name="A" type="bigint(20)" fk="x"><summary>pk</summary></column></table></database>';
    const parsed = parseSchemaXml(xml);
    expect(parsed.tables.get('t')).toEqual([
      { order: 0, name: 'A', type: 'bigint(20)', fk: 'x' },
      { order: 1, name: 'B', type: 'text' },
    ]);
    expect(() => parseSchemaXml('<database><table name="t"/></database>')).toThrow(/version/);
    expect(() => generateDdlModule(xml)).toThrow(/not found/);
  });
});
