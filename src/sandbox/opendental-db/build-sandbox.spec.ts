import type { Connection, RowDataPacket } from 'mysql2/promise';
import { buildOpenDentalSandbox, type SandboxSummary } from './build-sandbox';
import { openSandboxConnection } from './connection';
import { toDateTime } from './row-format';
import { OPENDENTAL_COLUMNS, OPENDENTAL_COLUMN_TYPES, OPENDENTAL_DDL, OPENDENTAL_SANDBOX_TABLES } from './schema.generated';

// Integration spec: needs the MariaDB/MySQL server of OD_SANDBOX_MYSQL_URL (default local root).
const MYSQL_URL = process.env.OD_SANDBOX_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const suffix = Math.random().toString(36).slice(2, 8);
const DB = `od_sandbox_spec_${suffix}`;
const DB_A = `od_sandbox_spec_${suffix}_a`;
const DB_B = `od_sandbox_spec_${suffix}_b`;

/** MySQL shows `tinyint` as `tinyint(4)` and `smallint` as `smallint(6)`: compare without display widths. */
const normalizeType = (t: string): string => t.toLowerCase().replace(/^(tinyint|smallint|int|bigint)\(\d+\)$/, '$1');

async function rows<T = RowDataPacket>(conn: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [r] = await conn.query<RowDataPacket[]>(sql, params);
  return r as T[];
}

describe('buildOpenDentalSandbox (MariaDB)', () => {
  let conn: Connection;
  let summary: SandboxSummary;
  let startedAt: number;

  beforeAll(async () => {
    startedAt = Date.now();
    summary = await buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB, patients: 300, seed: 4242 });
    conn = await openSandboxConnection(MYSQL_URL, DB);
  });

  afterAll(async () => {
    await conn?.end();
    const admin = await openSandboxConnection(MYSQL_URL);
    for (const db of [DB, DB_A, DB_B]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.end();
  });

  it('creates every table with exactly the XML columns, in order, with the XML types', async () => {
    const cols = await rows<{ TABLE_NAME: string; COLUMN_NAME: string; COLUMN_TYPE: string }>(conn,
      'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION', [DB]);
    for (const table of OPENDENTAL_SANDBOX_TABLES) {
      const mine = cols.filter((c) => c.TABLE_NAME === table);
      expect(mine.map((c) => c.COLUMN_NAME)).toEqual(OPENDENTAL_COLUMNS[table]);
      expect(mine.map((c) => normalizeType(c.COLUMN_TYPE))).toEqual(OPENDENTAL_COLUMN_TYPES[table].map(normalizeType));
    }
    const tables = await rows<{ TABLE_NAME: string; ENGINE: string; TABLE_COLLATION: string }>(conn,
      'SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [DB]);
    expect(tables.map((t) => t.TABLE_NAME).sort()).toEqual([...OPENDENTAL_SANDBOX_TABLES].sort());
    for (const t of tables) expect([t.ENGINE, t.TABLE_COLLATION.split('_')[0]]).toEqual(['InnoDB', 'utf8mb4']);
  });

  it('reports the row counts that are in the database', async () => {
    expect(summary.database).toBe(DB);
    expect(summary.counts.patient).toBe(300);
    expect(summary.counts.provider).toBe(4);
    expect(summary.counts.operatory).toBe(8);
    expect(summary.counts.appointment).toBeGreaterThan(850);
    expect(summary.counts.document).toBe(150);
    for (const table of OPENDENTAL_SANDBOX_TABLES) {
      const [{ n }] = await rows<{ n: number }>(conn, `SELECT COUNT(*) AS n FROM \`${table}\``);
      expect(Number(n)).toBe(summary.counts[table]);
    }
  });

  it('contains the edge cases a real office has', async () => {
    const [e] = await rows(conn, `SELECT
      SUM(Birthdate = '0001-01-01') AS noBirth, SUM(Preferred <> '') AS preferred, SUM(Address2 <> '') AS addr2,
      SUM(WkPhone <> '' AND HmPhone = '' AND WirelessPhone = '') AS workOnly, SUM(MiddleI <> '') AS middle,
      SUM(LName LIKE '%''%') AS apostrophe, SUM(CHAR_LENGTH(CONCAT(LName, FName)) < LENGTH(CONCAT(LName, FName))) AS nonAscii,
      SUM(PatStatus = 5 AND DateTimeDeceased > '0001-01-01 00:00:00') AS deceased, SUM(SSN <> '') AS ssn,
      SUM(MedicaidID <> '') AS medicaid, SUM(Email = '') AS noEmail, SUM(Guarantor <> PatNum) AS dependents FROM patient`);
    for (const k of ['noBirth', 'preferred', 'addr2', 'workOnly', 'middle', 'apostrophe', 'nonAscii', 'deceased', 'ssn', 'medicaid', 'noEmail', 'dependents']) {
      expect([k, Number(e[k]) > 0]).toEqual([k, true]);
    }
    const statuses = await rows<{ PatStatus: number }>(conn, 'SELECT DISTINCT PatStatus FROM patient ORDER BY PatStatus');
    expect(statuses.map((s) => s.PatStatus)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const nulls = await rows<{ LName: string | null; FName: string | null }>(conn, "SELECT LName, FName FROM patient WHERE LName = 'NULL' OR FName = 'NULL'");
    expect(nulls.length).toBeGreaterThan(0);
    for (const n of nulls) expect(typeof n.LName === 'string' && typeof n.FName === 'string').toBe(true);
    const [orphans] = await rows(conn, 'SELECT COUNT(*) AS n FROM patient p LEFT JOIN patient g ON g.PatNum = p.Guarantor WHERE g.PatNum IS NULL');
    expect(Number(orphans.n)).toBe(0);
  });

  it('stamps rows explicitly in the past, with shared DateTStamp groups', async () => {
    const limit = toDateTime(startedAt - 3_600_000);
    for (const [table, col] of [['patient', 'DateTStamp'], ['appointment', 'DateTStamp'], ['provider', 'DateTStamp'], ['operatory', 'DateTStamp'],
      ['deletedobject', 'DateTStamp'], ['document', 'DateTStamp'], ['histappointment', 'DateTStamp'], ['insplan', 'SecDateTEdit'],
      ['inssub', 'SecDateTEdit'], ['patplan', 'SecDateTEdit'], ['carrier', 'SecDateTEdit']]) {
      const [r] = await rows(conn, `SELECT MAX(${col}) AS mx, MIN(${col}) AS mn FROM \`${table}\``);
      expect([table, r.mx < limit, r.mn > toDateTime(startedAt - 731 * 86_400_000)]).toEqual([table, true, true]);
    }
    for (const table of ['patient', 'appointment']) {
      const groups = await rows(conn, `SELECT DateTStamp, COUNT(*) AS n FROM ${table} GROUP BY DateTStamp HAVING n >= 3`);
      expect([table, groups.length > 0]).toEqual([table, true]);
    }
  });

  it('keeps appointments and deletions consistent with OpenDental rules', async () => {
    const [a] = await rows(conn, `SELECT COUNT(*) AS n,
      SUM(MINUTE(AptDateTime) % 10 <> 0 OR SECOND(AptDateTime) <> 0 OR HOUR(AptDateTime) < 7 OR HOUR(AptDateTime) > 16) AS badTime,
      SUM(Pattern NOT REGEXP '^[X/]+$') AS badPattern, SUM(Note LIKE '%\\n%' OR Note LIKE '%"%') AS trickyNotes,
      SUM(AptDateTime > UTC_TIMESTAMP()) AS future, SUM(DAYOFWEEK(AptDateTime) = 1) AS sunday FROM appointment`);
    expect([Number(a.badTime), Number(a.badPattern), Number(a.sunday)]).toEqual([0, 0, 0]);
    expect(Number(a.trickyNotes)).toBeGreaterThan(0);
    expect(Number(a.future)).toBeGreaterThan(0);
    const statuses = await rows<{ AptStatus: number }>(conn, 'SELECT DISTINCT AptStatus FROM appointment ORDER BY AptStatus');
    expect(statuses.map((s) => s.AptStatus)).toEqual([1, 2, 3, 5, 6, 7]);
    const [refs] = await rows(conn, `SELECT
      SUM(p.PatNum IS NULL) AS noPat, SUM(o.OperatoryNum IS NULL) AS noOp, SUM(d.DefNum IS NULL OR d.Category <> 2) AS badConfirmed
      FROM appointment a LEFT JOIN patient p ON p.PatNum = a.PatNum LEFT JOIN operatory o ON o.OperatoryNum = a.Op
      LEFT JOIN definition d ON d.DefNum = a.Confirmed`);
    expect([Number(refs.noPat), Number(refs.noOp), Number(refs.badConfirmed)]).toEqual([0, 0, 0]);
    const del = await rows(conn, 'SELECT ObjectType, COUNT(*) AS n, SUM(ObjectNum IN (SELECT AptNum FROM appointment)) AS live FROM deletedobject GROUP BY ObjectType');
    const byType = Object.fromEntries(del.map((d) => [d.ObjectType, d]));
    expect(Number(byType[0].n)).toBeGreaterThan(0);
    expect(Number(byType[0].live)).toBe(0);
    expect(Number(byType[1].n)).toBeGreaterThan(0);
    expect(Number(byType[2].n)).toBeGreaterThan(0);
    const [hist] = await rows(conn, "SELECT COUNT(*) AS n FROM histappointment h JOIN deletedobject d ON d.ObjectNum = h.AptNum AND d.ObjectType = 0 WHERE h.HistApptAction = 4");
    expect(Number(hist.n)).toBe(Number(byType[0].n));
  });

  it('links insurance patient -> patplan -> inssub -> insplan -> carrier for about 60% of patients', async () => {
    const [r] = await rows(conn, `SELECT COUNT(DISTINCT pp.PatNum) AS insured, SUM(s.InsSubNum IS NULL OR ip.PlanNum IS NULL OR c.CarrierNum IS NULL) AS broken,
      SUM(pp.Ordinal = 2) AS secondary FROM patplan pp LEFT JOIN inssub s ON s.InsSubNum = pp.InsSubNum
      LEFT JOIN insplan ip ON ip.PlanNum = s.PlanNum LEFT JOIN carrier c ON c.CarrierNum = ip.CarrierNum`);
    expect(Number(r.broken)).toBe(0);
    expect(Number(r.insured) / 300).toBeGreaterThan(0.4);
    expect(Number(r.insured) / 300).toBeLessThan(0.8);
    expect(Number(r.secondary)).toBeGreaterThan(0);
    const [p] = await rows(conn, 'SELECT SUM(IsSecondary) AS hyg, SUM(ProvStatus = 1) AS deleted, SUM(IsHidden) AS hidden FROM provider');
    expect([Number(p.hyg) > 0, Number(p.deleted), Number(p.hidden)]).toEqual([true, 1, 1]);
    const [o] = await rows(conn, 'SELECT SUM(IsHidden) AS hidden FROM operatory');
    expect(Number(o.hidden)).toBe(1);
    const [d] = await rows(conn, "SELECT SUM(RawBase64 <> '') AS raw, COUNT(DISTINCT PatNum) AS pats FROM document");
    expect(Number(d.raw)).toBe(0);
    expect(Number(d.pats)).toBeGreaterThan(100);
  });

  it('builds identical patients and tables for the same seed and reference day', async () => {
    const opts = { mysqlUrl: MYSQL_URL, patients: 300, seed: 77, referenceTime: '2025-03-14' };
    await buildOpenDentalSandbox({ ...opts, database: DB_A });
    await buildOpenDentalSandbox({ ...opts, database: DB_B });
    const [pa] = await conn.query<RowDataPacket[]>(`SELECT * FROM \`${DB_A}\`.patient ORDER BY PatNum`);
    const [pb] = await conn.query<RowDataPacket[]>(`SELECT * FROM \`${DB_B}\`.patient ORDER BY PatNum`);
    expect(pa).toHaveLength(300);
    expect(pb).toEqual(pa);
    const list = OPENDENTAL_SANDBOX_TABLES.map((t) => `\`${DB_A}\`.\`${t}\`, \`${DB_B}\`.\`${t}\``).join(', ');
    const sums = await rows<{ Checksum: number }>(conn, `CHECKSUM TABLE ${list}`);
    for (let i = 0; i < sums.length; i += 2) expect(sums[i + 1].Checksum).toBe(sums[i].Checksum);
    const [pOther] = await conn.query<RowDataPacket[]>(`SELECT * FROM \`${DB}\`.patient ORDER BY PatNum`);
    expect(pOther).not.toEqual(pa);
  });

  it('rebuilds deferred indexes so big tables end up exactly as OPENDENTAL_DDL declares', async () => {
    // 20,000 patients -> ~59,000 appointments: above the index-deferral threshold.
    const big = await buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB_A, patients: 20_000, seed: 3 });
    expect(big.counts.appointment).toBeGreaterThan(50_000);
    for (const table of OPENDENTAL_SANDBOX_TABLES) {
      const [[created]] = await conn.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${DB_A}\`.\`${table}\``);
      // The server adds AUTO_INCREMENT, COLLATE and display widths (tinyint -> tinyint(4)).
      const widthless = (ddl: string): string => ddl.replace(/\b(tinyint|smallint)\(\d+\)/g, '$1');
      const shown = String(created['Create Table']).replace(/ AUTO_INCREMENT=\d+/, '').replace(/ COLLATE=\w+$/, '')
        .replace(/current_timestamp\(\)/g, 'CURRENT_TIMESTAMP');
      expect(widthless(shown)).toBe(widthless(OPENDENTAL_DDL[table]));
    }
    const [[auto]] = await conn.query<RowDataPacket[]>('SELECT AUTO_INCREMENT AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [DB_A, 'appointment']);
    expect(Number(auto.n)).toBe(60_001);
  });

  it('refuses database names that are not plain identifiers', async () => {
    await expect(buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: 'x`; DROP DATABASE mysql; --', patients: 1 })).rejects.toThrow(/Invalid sandbox database name/);
  });
});
