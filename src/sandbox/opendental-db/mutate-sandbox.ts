import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { assertDatabaseName, openSandboxConnection } from './connection';
import { DEFAULT_SANDBOX_SEED } from './generator';
import { DAY, OfficeClock } from './office-time';
import { asciiFold, makeHousehold, makePerson } from './patients';
import { ADDRESS2_VALUES, EMAIL_DOMAINS, buildFakerPools } from './pools';
import { Prng } from './prng';
import { DEF_CAT, formatPhone } from './reference-data';
import { RowEncoder, toDate } from './row-format';
import { OPENDENTAL_COLUMNS } from './schema.generated';

/** Options of mutateOpenDentalSandbox(); every count defaults to 0. */
export interface MutateSandboxOptions {
  mysqlUrl: string;
  database: string;
  /** Seed of the choices and new values; default DEFAULT_SANDBOX_SEED. */
  seed?: number;
  updatePatients?: number;
  deletePatients?: number;
  addPatients?: number;
  updateAppointments?: number;
  deleteAppointments?: number;
}

/** Primary keys touched by one mutation run, each list ascending. */
export interface MutationSummary {
  updatedPatNums: number[];
  deletedPatNums: number[];
  addedPatNums: number[];
  updatedAptNums: number[];
  deletedAptNums: number[];
}

/** Picks `n` distinct items (partial Fisher-Yates). @throws RangeError when fewer exist. */
function sample(rng: Prng, items: number[], n: number, what: string): number[] {
  if (n > items.length) throw new RangeError(`Asked for ${n} ${what}, only ${items.length} available`);
  const a = items.slice();
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

async function nums(conn: Connection, sql: string): Promise<number[]> {
  const [rows] = await conn.query<RowDataPacket[]>({ sql, rowsAsArray: true });
  return rows.map((r) => Number(r[0]));
}

/** Runs an UPDATE and checks it really changed one row (else ON UPDATE would not stamp). */
async function updateOne(conn: Connection, sql: string, params: unknown[]): Promise<void> {
  const [res] = await conn.query<ResultSetHeader>(sql, params);
  if (res.changedRows !== 1) throw new Error(`Expected one changed row for: ${sql} ${JSON.stringify(params)}`);
}

/**
 * Simulates office activity on a sandbox built by buildOpenDentalSandbox(), through plain
 * UPDATE/INSERT/DELETE so MariaDB stamps DateTStamp/SecDateTEdit with the current time,
 * as OpenDental's own writes do (README §1.7):
 * - updates `updatePatients` non-deleted patients (Email, WirelessPhone or address);
 * - sets PatStatus = 4 (Deleted) on `deletePatients` other non-deleted patients
 *   (OpenDental never removes patient rows);
 * - inserts `addPatients` new patients (Guarantor = self, with a birth date);
 * - updates `updateAppointments` appointments (Note appended, Confirmed changed);
 * - deletes `deleteAppointments` other appointments: a histappointment copy with
 *   HistApptAction Deleted (4), the DELETE, and a deletedobject row (ObjectType 0,
 *   ObjectNum = AptNum).
 * Everything runs in one transaction. Deterministic for a given seed and database state.
 *
 * @returns the keys touched, each list sorted ascending.
 * @throws RangeError when there are not enough rows to pick from (nothing is changed);
 *   the mysql2 error on connection/SQL failure (the transaction is rolled back).
 */
export async function mutateOpenDentalSandbox(opts: MutateSandboxOptions): Promise<MutationSummary> {
  assertDatabaseName(opts.database);
  const seed = opts.seed ?? DEFAULT_SANDBOX_SEED;
  const rng = new Prng(seed, 'mutate');
  const conn = await openSandboxConnection(opts.mysqlUrl, opts.database);
  try {
    const patients = await nums(conn, 'SELECT PatNum FROM patient WHERE PatStatus <> 4 ORDER BY PatNum');
    const pats = sample(rng, patients, (opts.updatePatients ?? 0) + (opts.deletePatients ?? 0), 'non-deleted patients');
    const updatedPatNums = pats.slice(0, opts.updatePatients ?? 0);
    const deletedPatNums = pats.slice(updatedPatNums.length);
    const appointments = await nums(conn, 'SELECT AptNum FROM appointment ORDER BY AptNum');
    const apts = sample(rng, appointments, (opts.updateAppointments ?? 0) + (opts.deleteAppointments ?? 0), 'appointments');
    const updatedAptNums = apts.slice(0, opts.updateAppointments ?? 0);
    const deletedAptNums = apts.slice(updatedAptNums.length);
    const confirmDefs = await nums(conn, `SELECT DefNum FROM definition WHERE Category = ${DEF_CAT.ApptConfirmed} ORDER BY DefNum`);

    await conn.beginTransaction();
    try {
      for (const patNum of updatedPatNums) await updatePatient(conn, rng, patNum);
      for (const patNum of deletedPatNums) await updateOne(conn, 'UPDATE patient SET PatStatus = 4 WHERE PatNum = ?', [patNum]);
      const addedPatNums = await addPatients(conn, rng, seed, opts.addPatients ?? 0);
      for (const aptNum of updatedAptNums) {
        const [[apt]] = await conn.query<RowDataPacket[]>('SELECT Note, Confirmed FROM appointment WHERE AptNum = ?', [aptNum]);
        const others = confirmDefs.filter((d) => d !== Number(apt.Confirmed));
        const line = rng.pick(['Pt confirmed via text.', 'Left msg on cell.', 'Pt asked to be called if earlier opening.']);
        await updateOne(conn, 'UPDATE appointment SET Note = ?, Confirmed = ? WHERE AptNum = ?', [
          apt.Note ? `${apt.Note}\r\n${line}` : line, others.length ? rng.pick(others) : apt.Confirmed, aptNum]);
      }
      const aptCols = OPENDENTAL_COLUMNS.appointment.filter((c) => OPENDENTAL_COLUMNS.histappointment.includes(c)).map((c) => `\`${c}\``).join(',');
      for (const aptNum of deletedAptNums) {
        await conn.query(
          `INSERT INTO histappointment (HistUserNum, HistDateTStamp, HistApptAction, ApptSource, ${aptCols}) ` +
            `SELECT ?, NOW(), 4, 0, ${aptCols} FROM appointment WHERE AptNum = ?`, [rng.int(1, 6), aptNum]);
        await conn.query('DELETE FROM appointment WHERE AptNum = ?', [aptNum]);
        await conn.query('INSERT INTO deletedobject (ObjectNum, ObjectType) VALUES (?, 0)', [aptNum]);
      }
      await conn.commit();
      const asc = (a: number[]): number[] => [...a].sort((x, y) => x - y);
      return {
        updatedPatNums: asc(updatedPatNums), deletedPatNums: asc(deletedPatNums), addedPatNums: asc(addedPatNums),
        updatedAptNums: asc(updatedAptNums), deletedAptNums: asc(deletedAptNums),
      };
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      throw e;
    }
  } finally {
    await conn.end();
  }
}

/** Changes one of Email, WirelessPhone or the address (Address, Address2) of a patient. */
async function updatePatient(conn: Connection, rng: Prng, patNum: number): Promise<void> {
  const [[p]] = await conn.query<RowDataPacket[]>('SELECT FName, Email, WirelessPhone, Address, Address2 FROM patient WHERE PatNum = ?', [patNum]);
  const kind = rng.int(0, 2);
  if (kind === 0) {
    const local = String(p.FName).normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase() || 'patient';
    let email = `${local}.${patNum}.${rng.int(1, 999)}@${rng.pick(EMAIL_DOMAINS)}`;
    if (email === p.Email) email = `new.${email}`;
    await updateOne(conn, 'UPDATE patient SET Email = ? WHERE PatNum = ?', [email, patNum]);
  } else if (kind === 1) {
    let phone = formatPhone(`503${rng.int(2, 9)}${rng.digits(6)}`);
    if (phone === p.WirelessPhone) phone = formatPhone(`971${rng.int(2, 9)}${rng.digits(6)}`);
    await updateOne(conn, 'UPDATE patient SET WirelessPhone = ? WHERE PatNum = ?', [phone, patNum]);
  } else {
    const address = `${rng.int(100, 19999)} ${rng.pick(['NE', 'SE', 'SW', 'NW'])} ${rng.pick(['Alder', 'Burnside', 'Division', 'Sandy', 'Hawthorne'])} St`;
    const address2 = rng.chance(0.3) ? rng.pick(ADDRESS2_VALUES) : '';
    await updateOne(conn, 'UPDATE patient SET Address = ?, Address2 = ? WHERE PatNum = ?', [address === p.Address ? `${address} ` : address, address2, patNum]);
  }
}

/** Inserts `n` new walk-in patients; MariaDB stamps DateTStamp. @returns their PatNums. */
async function addPatients(conn: Connection, rng: Prng, seed: number, n: number): Promise<number[]> {
  if (n === 0) return [];
  const pools = buildFakerPools(seed);
  const clock = new OfficeClock(Date.now());
  const [clinicRows] = await conn.query<RowDataPacket[]>('SELECT ClinicNum FROM clinic ORDER BY ClinicNum');
  const dentists = await nums(conn, 'SELECT ProvNum FROM provider WHERE ProvStatus = 0 AND IsHidden = 0 AND IsSecondary = 0 ORDER BY ProvNum');
  const [billing] = await conn.query<RowDataPacket[]>(`SELECT DefNum, ItemName FROM definition WHERE Category = ${DEF_CAT.BillingTypes}`);
  const defs = new Map([[DEF_CAT.BillingTypes as number, new Map(billing.map((b) => [String(b.ItemName), Number(b.DefNum)]))]]);
  const enc = new RowEncoder('patient', ['PatNum', 'DateTStamp']);
  const added: number[] = [];
  for (let k = 0; k < n; k++) {
    // A large index keeps the index-based edge cases (NULL names...) out of new patients.
    const index = 10_000_000 + Math.floor(rng.next() * 1_000_000);
    const home = makeHousehold(rng, pools, index);
    const age = rng.int(1, 85);
    const row = makePerson(rng, pools, clock, { defs }, home, age < 18 ? 'child' : 'head', age, index, '');
    row.PatStatus = 0;
    row.Birthdate = toDate(clock.referenceMs - age * 365.25 * DAY - rng.int(0, 364) * DAY);
    row.ClinicNum = clinicRows.length ? Number(rng.pick(clinicRows).ClinicNum) : 0;
    row.PriProv = dentists.length ? rng.pick(dentists) : 0;
    row.SecDateEntry = toDate(Date.now());
    row.ImageFolder = asciiFold(`${row.LName}${row.FName}`);
    const [res] = await conn.query<ResultSetHeader>(`${enc.insertPrefix()}${enc.sqlTuple(row)}`);
    const patNum = res.insertId;
    // OpenDental inserts first, then points Guarantor (and the image folder) at the new key.
    await conn.query('UPDATE patient SET Guarantor = PatNum, ImageFolder = CONCAT(ImageFolder, PatNum) WHERE PatNum = ?', [patNum]);
    added.push(patNum);
  }
  return added;
}
