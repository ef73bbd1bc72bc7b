import type { Connection, RowDataPacket } from 'mysql2/promise';
import { buildOpenDentalSandbox } from './build-sandbox';
import { openSandboxConnection } from './connection';
import { mutateOpenDentalSandbox, type MutateSandboxOptions, type MutationSummary } from './mutate-sandbox';

// Integration spec: needs the MariaDB/MySQL server of OD_SANDBOX_MYSQL_URL (default local root).
const MYSQL_URL = process.env.OD_SANDBOX_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const suffix = Math.random().toString(36).slice(2, 8);
const DB = `od_sandbox_spec_${suffix}_m`;
const DB_TWIN = `od_sandbox_spec_${suffix}_t`;
const COUNTS = { updatePatients: 6, deletePatients: 4, addPatients: 3, updateAppointments: 5, deleteAppointments: 4 };

async function query(conn: Connection, sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const [r] = await conn.query<RowDataPacket[]>(sql, params);
  return r;
}

const nums = (r: RowDataPacket[], key: string): number[] => r.map((x) => Number(x[key])).sort((a, b) => a - b);
/** Patient rows without their stamp, keyed by PatNum. */
const byPatNum = (r: RowDataPacket[]): Map<number, string> => new Map(r.map(({ DateTStamp: _stamp, ...rest }) => [Number(rest.PatNum), JSON.stringify(rest)]));

describe('mutateOpenDentalSandbox (MariaDB)', () => {
  let conn: Connection;
  let before: RowDataPacket[];
  let beforeApts: RowDataPacket[];
  let maxStamp: string;
  let result: MutationSummary;

  beforeAll(async () => {
    const build = { mysqlUrl: MYSQL_URL, patients: 300, seed: 11, referenceTime: '2025-09-01' };
    await buildOpenDentalSandbox({ ...build, database: DB });
    await buildOpenDentalSandbox({ ...build, database: DB_TWIN });
    conn = await openSandboxConnection(MYSQL_URL, DB);
    before = await query(conn, 'SELECT * FROM patient ORDER BY PatNum');
    beforeApts = await query(conn, 'SELECT * FROM appointment ORDER BY AptNum');
    const [s] = await query(conn, 'SELECT GREATEST((SELECT MAX(DateTStamp) FROM patient), (SELECT MAX(DateTStamp) FROM appointment), (SELECT MAX(DateTStamp) FROM deletedobject)) AS mx');
    maxStamp = s.mx;
    result = await mutateOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB, seed: 5, ...COUNTS });
  });

  afterAll(async () => {
    await conn?.end();
    const admin = await openSandboxConnection(MYSQL_URL);
    for (const db of [DB, DB_TWIN]) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.end();
  });

  it('returns the requested number of distinct keys', () => {
    expect(result.updatedPatNums).toHaveLength(6);
    expect(result.deletedPatNums).toHaveLength(4);
    expect(result.addedPatNums).toHaveLength(3);
    expect(result.updatedAptNums).toHaveLength(5);
    expect(result.deletedAptNums).toHaveLength(4);
    expect(new Set([...result.updatedPatNums, ...result.deletedPatNums]).size).toBe(10);
    expect(new Set([...result.updatedAptNums, ...result.deletedAptNums]).size).toBe(9);
    expect(Math.min(...result.addedPatNums)).toBeGreaterThan(300);
  });

  it('stamps exactly the touched patients, later than every built row, and leaves the others alone', async () => {
    const after = await query(conn, 'SELECT * FROM patient ORDER BY PatNum');
    const stamped = nums(after.filter((p) => p.DateTStamp > maxStamp), 'PatNum');
    expect(stamped).toEqual([...result.updatedPatNums, ...result.deletedPatNums, ...result.addedPatNums].sort((a, b) => a - b));
    const old = byPatNum(before);
    const now = byPatNum(after);
    for (const [patNum, row] of old) {
      const touched = result.updatedPatNums.includes(patNum) || result.deletedPatNums.includes(patNum);
      expect([patNum, now.get(patNum) === row]).toEqual([patNum, !touched]);
    }
    for (const p of after.filter((x) => result.deletedPatNums.includes(Number(x.PatNum)))) expect(p.PatStatus).toBe(4);
    for (const p of after.filter((x) => result.updatedPatNums.includes(Number(x.PatNum)))) expect(p.PatStatus).not.toBe(4);
    for (const p of after.filter((x) => result.addedPatNums.includes(Number(x.PatNum)))) {
      expect([Number(p.Guarantor), p.PatStatus]).toEqual([Number(p.PatNum), 0]);
      expect(p.Birthdate).not.toBe('0001-01-01');
      expect(p.LName).not.toBe('');
    }
  });

  it('updates and deletes appointments the way OpenDental does', async () => {
    const after = await query(conn, 'SELECT * FROM appointment ORDER BY AptNum');
    expect(after).toHaveLength(beforeApts.length - 4);
    expect(nums(after.filter((a) => a.DateTStamp > maxStamp), 'AptNum')).toEqual(result.updatedAptNums);
    const live = new Set(after.map((a) => Number(a.AptNum)));
    for (const aptNum of result.deletedAptNums) expect(live.has(aptNum)).toBe(false);
    const old = new Map(beforeApts.map((a) => [Number(a.AptNum), a]));
    for (const a of after.filter((x) => result.updatedAptNums.includes(Number(x.AptNum)))) {
      const prev = old.get(Number(a.AptNum)) as RowDataPacket;
      expect(a.Note.startsWith(prev.Note)).toBe(true);
      expect(a.Note).not.toBe(prev.Note);
    }
    const del = await query(conn, 'SELECT ObjectNum FROM deletedobject WHERE ObjectType = 0 AND DateTStamp > ?', [maxStamp]);
    expect(nums(del, 'ObjectNum')).toEqual(result.deletedAptNums);
    const hist = await query(conn, 'SELECT AptNum, PatNum, Pattern FROM histappointment WHERE HistApptAction = 4 AND HistDateTStamp > ?', [maxStamp]);
    expect(nums(hist, 'AptNum')).toEqual(result.deletedAptNums);
    for (const h of hist) expect(h.Pattern).toBe(old.get(Number(h.AptNum))?.Pattern);
  });

  it('is deterministic for a given seed and database state', async () => {
    const twin = await mutateOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB_TWIN, seed: 5, ...COUNTS });
    expect(twin).toEqual(result);
    const strip = 'PatNum, LName, FName, Email, WirelessPhone, Address, Address2, PatStatus, Birthdate, Guarantor';
    const a = await query(conn, `SELECT ${strip} FROM \`${DB}\`.patient ORDER BY PatNum`);
    const b = await query(conn, `SELECT ${strip} FROM \`${DB_TWIN}\`.patient ORDER BY PatNum`);
    expect(b).toEqual(a);
  });

  it('refuses impossible requests without changing anything', async () => {
    const opts: MutateSandboxOptions = { mysqlUrl: MYSQL_URL, database: DB, updatePatients: 1, deleteAppointments: 1_000_000 };
    const c1 = await query(conn, 'CHECKSUM TABLE patient, appointment');
    await expect(mutateOpenDentalSandbox(opts)).rejects.toThrow(RangeError);
    const c2 = await query(conn, 'CHECKSUM TABLE patient, appointment');
    expect(c2).toEqual(c1);
  });
});
