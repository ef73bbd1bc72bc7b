import { Connection } from 'mysql2';
import { Connection as PromiseConnection } from 'mysql2/promise';
import { buildOpenDentalSandbox, openSandboxConnection, parseMysqlUrl } from '../../sandbox/opendental-db';
import { KeysetQuery, streamKeyset } from '../opendental-db/keyset-stream';
import { closeConnection, openConnection } from '../opendental-db/mysql-connection';
import { withDefaults } from '../opendental-db/opendental-db.config';
import { SOURCE_MEDICAID_SYSTEM, emailOf, officialName, preferredPhone } from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { mapAppointment } from './appointment.mapper';
import { mapPatient } from './patient.mapper';
import { mapOperatory, mapProvider } from './provider.mapper';

/**
 * The OpenDental mapping rules, one test each, on rows READ FROM a sandbox MariaDB database:
 * a row is edited into the edge case with plain SQL, then read back through the adapter's own
 * read path (mysql-connection.openConnection + keyset-stream.streamKeyset, i.e. dateStrings,
 * UTC session, rowsAsArray + rowBuilder) and mapped.
 */
const DB = 'od_spec_mapping';
const MYSQL_URL = process.env.SANDBOX_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const TZ = 'America/Chicago';
/** Upper bound for DateTStamp in streamKeyset (a TIMESTAMP column ends in 2038). */
const UNTIL = '2037-12-31 00:00:00';

let admin: PromiseConnection;
let reader: Connection;

const KEYS: Record<string, { table: string; pk: string }> = {
  patient: { table: 'patient', pk: 'PatNum' },
  appointment: { table: 'appointment', pk: 'AptNum' },
  provider: { table: 'provider', pk: 'ProvNum' },
  operatory: { table: 'operatory', pk: 'OperatoryNum' },
};

/** Reads one row the way the adapter does (same connection settings, same streaming and row building). */
async function readRow(kind: keyof typeof KEYS, id: number): Promise<Record<string, unknown>> {
  const { table, pk } = KEYS[kind];
  const q: KeysetQuery = { table, pk, ts: 'DateTStamp', columns: '*', where: [`${pk} = ?`], params: [id] };
  const rows: Array<Record<string, unknown>> = [];
  for await (const row of streamKeyset(reader, q, null, UNTIL, undefined)) rows.push(row);
  if (rows.length !== 1) throw new Error(`${table} ${id}: expected one row, read ${rows.length}`);
  return rows[0];
}

/** Puts a source row into the edge case under test (plain SQL against the sandbox). */
async function update(kind: keyof typeof KEYS, id: number, values: Record<string, unknown>): Promise<void> {
  const { table, pk } = KEYS[kind];
  const [result] = await admin.query(`UPDATE \`${table}\` SET ? WHERE \`${pk}\` = ?`, [values, id]);
  if ((result as { affectedRows: number }).affectedRows !== 1) throw new Error(`${table} ${id} not updated`);
}

async function patient(patNum: number, values: Record<string, unknown>, requireBirthdate = true): Promise<CanonicalRecord<'patients'> | RecordIssue> {
  await update('patient', patNum, values);
  return mapPatient(await readRow('patient', patNum), { requireBirthdate, timeZone: TZ });
}

/** A patient edited and mapped, asserted to be a record (not a skip). */
async function patientRecord(patNum: number, values: Record<string, unknown>, requireBirthdate = true): Promise<CanonicalRecord<'patients'>> {
  const mapped = await patient(patNum, { Birthdate: '1980-05-17', PatStatus: 0, ...values }, requireBirthdate);
  expect(mapped).toHaveProperty('data');
  return mapped as CanonicalRecord<'patients'>;
}

/** The phones of a telecom list as `[use, value, rank]`. */
function phonesOf(record: CanonicalRecord<'patients'>): Array<[string | null, string, number | null]> {
  return record.data.telecom.filter((t) => t.system === 'phone').map((t) => [t.use, t.value, t.rank]);
}

async function appointment(aptNum: number, values: Record<string, unknown>): Promise<CanonicalRecord<'appointments'> | RecordIssue> {
  await update('appointment', aptNum, values);
  return mapAppointment(await readRow('appointment', aptNum), TZ);
}

async function appointmentRecord(aptNum: number, values: Record<string, unknown>): Promise<CanonicalRecord<'appointments'>> {
  const mapped = await appointment(aptNum, { AptStatus: 1, ...values });
  expect(mapped).toHaveProperty('data');
  return mapped as CanonicalRecord<'appointments'>;
}

let aptNums: number[] = [];

beforeAll(async () => {
  await buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB, patients: 40, seed: 5 });
  admin = await openSandboxConnection(MYSQL_URL, DB);
  const target = parseMysqlUrl(MYSQL_URL);
  const config = withDefaults({ host: target.host, port: target.port, database: DB, username: target.user, timeZone: TZ });
  reader = await openConnection(config, target.password);
  const [rows] = await admin.query('SELECT AptNum FROM appointment ORDER BY AptNum LIMIT 20');
  aptNums = (rows as Array<{ AptNum: number | string }>).map((r) => Number(r.AptNum));
  expect(aptNums.length).toBe(20);
});

afterAll(async () => {
  if (reader) await closeConnection(reader);
  await admin?.end();
});

describe('mapPatient (OpenDental patient rows read from MariaDB)', () => {
  it('externalId is PatNum, and the source DateTStamp is kept verbatim', async () => {
    const record = await patientRecord(1, {});
    const [rows] = await admin.query("SELECT DATE_FORMAT(DateTStamp, '%Y-%m-%d %H:%i:%s') AS ts FROM patient WHERE PatNum = 1");
    expect(record.externalId).toBe('1');
    expect(record.sourceUpdatedAt).toBe((rows as Array<{ ts: string }>)[0].ts);
  });

  it('Preferred becomes preferredName and the display name uses it', async () => {
    const record = await patientRecord(1, { FName: 'Robert', Preferred: 'Bob', LName: 'Smith' });
    expect(record.data.preferredName).toBe('Bob');
    expect(record.data.displayName).toBe('Bob Smith');
    const plain = await patientRecord(1, { Preferred: '' });
    expect(plain.data.preferredName).toBeNull();
    expect(plain.data.displayName).toBe('Robert Smith');
  });

  it('FName is the legal (official) first name even when a preferred name exists; Preferred is the usual name', async () => {
    const record = await patientRecord(2, { FName: 'Elizabeth', Preferred: 'Liz', LName: 'Taylor' });
    expect(officialName(record.data.names)?.given[0]).toBe('Elizabeth');
    expect(officialName(record.data.names)?.family).toBe('Taylor');
    expect(record.data.names.find((n) => n.use === 'usual')).toMatchObject({ given: ['Liz'], family: 'Taylor' });
    expect(record.index?.searchText).toBe('elizabeth liz taylor');
  });

  it('MiddleI is the second given name of the official name; an empty one is left out', async () => {
    expect((await patientRecord(3, { FName: 'Ann', MiddleI: 'Q' })).data.names[0].given).toEqual(['Ann', 'Q']);
    expect((await patientRecord(3, { FName: 'Ann', MiddleI: '' })).data.names[0].given).toEqual(['Ann']);
  });

  it('a real Birthdate is kept as yyyy-MM-dd', async () => {
    const record = await patientRecord(4, { Birthdate: '1984-03-09' });
    expect(record.data.birthDate).toBe('1984-03-09');
    expect(record.index?.birthDate).toBe('1984-03-09');
  });

  it('Birthdate 0001-01-01 is no birth date: skipped with missing_birthdate when requireBirthdate is on', async () => {
    const mapped = await patient(5, { Birthdate: '0001-01-01', PatStatus: 0 }, true);
    expect(mapped).not.toHaveProperty('data');
    expect(mapped).toMatchObject({ externalId: '5', code: 'missing_birthdate' });
    expect(typeof (mapped as RecordIssue).message).toBe('string');
  });

  it('Birthdate 0001-01-01 is kept as birthDate null when requireBirthdate is off', async () => {
    const record = await patientRecord(5, { Birthdate: '0001-01-01' }, false);
    expect(record.data.birthDate).toBeNull();
    expect(record.index?.birthDate).toBeNull();
  });

  it('Gender maps to FHIR AdministrativeGender codes', async () => {
    const codes: Array<[number, string]> = [[0, 'male'], [1, 'female'], [2, 'unknown'], [3, 'other']];
    for (const [gender, code] of codes) {
      expect((await patientRecord(6, { Gender: gender })).data.gender).toBe(code);
    }
  });

  it('PatStatus maps to our PATIENT_STATUS (Archived is inactive; the OpenDental name kept as sourceStatus); none of these is deleted', async () => {
    const statuses: Array<[number, string, string]> = [
      [0, 'active', 'Patient'], [1, 'non_patient', 'NonPatient'], [2, 'inactive', 'Inactive'],
      [3, 'inactive', 'Archived'], [5, 'deceased', 'Deceased'], [6, 'prospective', 'Prospective'],
    ];
    for (const [patStatus, status, sourceStatus] of statuses) {
      const record = await patientRecord(7, { PatStatus: patStatus, DateTimeDeceased: '0001-01-01 00:00:00' });
      expect(record.data.status).toBe(status);
      expect(record.data.sourceStatus).toBe(sourceStatus);
      expect(record.data.deceased).toBe(patStatus === 5);
      expect(record.deleted).toBe(false);
    }
  });

  it('DateTimeDeceased becomes deceasedDateTime, an instant read in the office time zone', async () => {
    const record = await patientRecord(7, { PatStatus: 5, DateTimeDeceased: '2025-01-10 08:15:00' });
    expect(record.data.deceased).toBe(true);
    expect(record.data.deceasedDateTime).toBe('2025-01-10T14:15:00.000Z');
  });

  it('Position maps to a v3 MaritalStatus code', async () => {
    const cases: Array<[number, string]> = [[0, 'S'], [1, 'M'], [2, 'S'], [3, 'W'], [4, 'D']];
    for (const [position, code] of cases) expect((await patientRecord(7, { Position: position })).data.maritalStatus).toBe(code);
  });

  it('PatStatus Deleted marks the record deleted (also without a birth date, so the delete reaches the store)', async () => {
    const record = await patientRecord(8, { PatStatus: 4 });
    expect(record.deleted).toBe(true);
    expect(record.data.status).toBe('deleted');
    const noBirthdate = await patient(8, { PatStatus: 4, Birthdate: '0001-01-01' }, true);
    expect(noBirthdate).toHaveProperty('data');
    expect((noBirthdate as CanonicalRecord<'patients'>).deleted).toBe(true);
  });

  it('phones rank Wireless > Home > Work as telecom ContactPoints (mobile, home, work), rank 1 the preferred', async () => {
    const record = await patientRecord(9, { WirelessPhone: '(512)555-0101', HmPhone: '(512)555-0102', WkPhone: '(512)555-0103' });
    expect(preferredPhone(record.data.telecom)).toBe('(512)555-0101');
    expect(phonesOf(record)).toEqual([['mobile', '(512)555-0101', 1], ['home', '(512)555-0102', 2], ['work', '(512)555-0103', 3]]);
    const noMobile = await patientRecord(9, { WirelessPhone: '' });
    expect(preferredPhone(noMobile.data.telecom)).toBe('(512)555-0102');
    expect(phonesOf(noMobile)).toEqual([['home', '(512)555-0102', 1], ['work', '(512)555-0103', 2]]);
  });

  it('a patient with only a work phone gets it as the rank-1 phone', async () => {
    const record = await patientRecord(10, { WirelessPhone: '', HmPhone: '   ', WkPhone: '(312)555-0199' });
    expect(preferredPhone(record.data.telecom)).toBe('(312)555-0199');
    expect(phonesOf(record)).toEqual([['work', '(312)555-0199', 1]]);
  });

  it('Address, Address2, City, State and Zip become the address; an empty Address2 is null', async () => {
    const record = await patientRecord(11, { Address: '12 Main St', Address2: 'Apt 4B', City: 'Austin', State: 'TX', Zip: '78701' });
    expect(record.data.addresses).toEqual([{ use: 'home', line: ['12 Main St', 'Apt 4B'], city: 'Austin', state: 'TX', postalCode: '78701', country: null }]);
    expect((await patientRecord(11, { Address2: '' })).data.addresses[0].line).toEqual(['12 Main St']);
  });

  it("the literal name 'NULL' stays the string 'NULL'", async () => {
    const record = await patientRecord(12, { LName: 'NULL', FName: 'Jane', Preferred: '' });
    expect(record.data.names[0].family).toBe('NULL');
    expect(record.data.displayName).toBe('Jane NULL');
    expect(record.raw?.LName).toBe('NULL');
  });

  it('accents and apostrophes are preserved exactly in the data; search text folds them', async () => {
    const record = await patientRecord(13, { FName: 'José', LName: "O'Brien-Núñez", Preferred: 'Zoë', Address: "1 Rue de l'Église" });
    expect(record.data.names[0].given[0]).toBe('José');
    expect(record.data.names[0].family).toBe("O'Brien-Núñez");
    expect(record.data.preferredName).toBe('Zoë');
    expect(record.data.displayName).toBe("Zoë O'Brien-Núñez");
    expect(record.data.addresses[0].line[0]).toBe("1 Rue de l'Église");
    expect(record.index?.searchText).toBe('jose zoe obriennunez');
  });

  it('SSN becomes ssnLast4 only; raw has no SSN; sensitive.ssn holds the digits', async () => {
    const record = await patientRecord(14, { SSN: '912-34-5678' });
    expect(record.data.ssnLast4).toBe('5678');
    expect(record.sensitive).toEqual({ ssn: '912345678' });
    expect(record.raw?.SSN).toBeUndefined();
    const serialized = JSON.stringify({ data: record.data, raw: record.raw, index: record.index });
    expect(serialized).not.toContain('912-34-5678');
    expect(serialized).not.toContain('912345678');
    expect(serialized).not.toContain('SSN');

    const digitsOnly = await patientRecord(14, { SSN: '987654321' });
    expect(digitsOnly.data.ssnLast4).toBe('4321');
    expect(digitsOnly.sensitive).toEqual({ ssn: '987654321' });

    const none = await patientRecord(14, { SSN: '' });
    expect(none.data.ssnLast4).toBeNull();
    expect(none.sensitive).toBeUndefined();
  });

  it('MedicaidID becomes a Medicaid identifier (type MA)', async () => {
    const medicaid = (r: CanonicalRecord<'patients'>) => r.data.identifiers.filter((i) => i.system === SOURCE_MEDICAID_SYSTEM);
    expect(medicaid(await patientRecord(15, { MedicaidID: 'MCD778899' }))).toEqual([{ system: SOURCE_MEDICAID_SYSTEM, value: 'MCD778899', type: 'MA' }]);
    expect(medicaid(await patientRecord(15, { MedicaidID: '' }))).toEqual([]);
  });

  it('PatNum is the source id and the OpenDental patient key (both PI); ChartNumber the MR', async () => {
    const record = await patientRecord(15, { ChartNumber: 'C-101' });
    expect(record.data.identifiers).toEqual(expect.arrayContaining([
      { system: 'source:id', value: '15', type: 'PI' },
      { system: 'urn:ehr-sync-hub:pms:opendental:patient', value: '15', type: 'PI' },
      { system: 'source:chart-number', value: 'C-101', type: 'MR' },
    ]));
  });

  it('Email becomes an email ContactPoint; an empty one is left out', async () => {
    expect(emailOf((await patientRecord(16, { Email: 'pat@example.com' })).data.telecom)).toBe('pat@example.com');
    expect(emailOf((await patientRecord(16, { Email: '' })).data.telecom)).toBeNull();
  });

  it('PriProv, ClinicNum and Guarantor are links by external id, 0 meaning none', async () => {
    const linked = await patientRecord(17, { PriProv: 3, SecProv: 0, ClinicNum: 2, Guarantor: 7 });
    expect(linked.data).toMatchObject({ primaryProvider: { externalId: '3' }, primaryLocation: { externalId: '2' }, guarantor: { externalId: '7' } });
    const none = await patientRecord(17, { PriProv: 0, SecProv: 0, ClinicNum: 0, Guarantor: 0 });
    expect(none.data).toMatchObject({ primaryProvider: null, primaryLocation: null, guarantor: null });
  });
});

describe('mapAppointment (OpenDental appointment rows read from MariaDB, office in America/Chicago)', () => {
  it('start is AptDateTime read as office time in winter (CST, UTC-6)', async () => {
    const record = await appointmentRecord(aptNums[0], { AptDateTime: '2026-01-15 09:30:00' });
    expect(record.data.start).toBe('2026-01-15T15:30:00.000Z');
    expect(record.data.localStart).toBe('2026-01-15T09:30:00');
    expect(record.data.timeZone).toBe(TZ);
    expect(record.index?.startsAt).toBe('2026-01-15T15:30:00.000Z');
  });

  it('start is AptDateTime read as office time in summer (CDT, UTC-5)', async () => {
    const record = await appointmentRecord(aptNums[1], { AptDateTime: '2026-07-15 09:30:00' });
    expect(record.data.start).toBe('2026-07-15T14:30:00.000Z');
  });

  it('start is right on the DST change days (spring forward and the repeated hour in the fall)', async () => {
    // 2026-03-08: clocks go from 02:00 CST to 03:00 CDT; 10:00 that day is CDT.
    expect((await appointmentRecord(aptNums[2], { AptDateTime: '2026-03-08 10:00:00' })).data.start).toBe('2026-03-08T15:00:00.000Z');
    // 01:30 before the change is still CST.
    expect((await appointmentRecord(aptNums[2], { AptDateTime: '2026-03-08 01:30:00' })).data.start).toBe('2026-03-08T07:30:00.000Z');
    // 2026-11-01: 01:00-02:00 happens twice; the earlier (CDT) wins, 16:00 that day is CST.
    expect((await appointmentRecord(aptNums[2], { AptDateTime: '2026-11-01 01:30:00' })).data.start).toBe('2026-11-01T06:30:00.000Z');
    expect((await appointmentRecord(aptNums[2], { AptDateTime: '2026-11-01 16:00:00' })).data.start).toBe('2026-11-01T22:00:00.000Z');
  });

  it('durationMinutes is the Pattern length × 5, and end = start + duration', async () => {
    const record = await appointmentRecord(aptNums[3], { AptDateTime: '2026-02-02 08:00:00', Pattern: '/XXXXX//' });
    expect(record.data.durationMinutes).toBe(40);
    expect(record.data.end).toBe('2026-02-02T14:40:00.000Z');
    expect((await appointmentRecord(aptNums[3], { Pattern: 'XXX' })).data.durationMinutes).toBe(15);
  });

  it('AptStatus maps to FHIR Appointment.status (Scheduled→booked, Complete→fulfilled, Broken→cancelled, Planned→proposed, UnschedList→waitlist)', async () => {
    const cases: Array<[number, string, string]> = [
      [1, 'booked', 'Scheduled'], [2, 'fulfilled', 'Complete'], [5, 'cancelled', 'Broken'],
      [6, 'proposed', 'Planned'], [3, 'waitlist', 'UnschedList'],
    ];
    for (const [aptStatus, status, sourceStatus] of cases) {
      const record = await appointmentRecord(aptNums[4], { AptStatus: aptStatus });
      expect(record.data.status).toBe(status);
      expect(record.data.sourceStatus).toBe(sourceStatus);
      expect(record.index?.status).toBe(status);
    }
  });

  it('PtNote and PtNoteCompleted rows are skipped with reason patient_note', async () => {
    for (const aptStatus of [7, 8]) {
      const mapped = await appointment(aptNums[5], { AptStatus: aptStatus });
      expect(mapped).not.toHaveProperty('data');
      expect(mapped).toMatchObject({ externalId: String(aptNums[5]), code: 'patient_note' });
    }
  });

  it('PatNum, ProvNum, ProvHyg, Op and ClinicNum are links by external id, 0 meaning none', async () => {
    const record = await appointmentRecord(aptNums[6], { PatNum: 12, ProvNum: 2, ProvHyg: 0, Op: 3, ClinicNum: 1 });
    expect(record.externalId).toBe(String(aptNums[6]));
    expect(record.patientExternalId).toBe('12');
    expect(record.data).toMatchObject({ patient: { externalId: '12' }, provider: { externalId: '2' }, location: { externalId: '3' } });
    expect(record.data.participants.map((p) => [p.type, p.link.externalId])).toEqual([['PART', '12'], ['PPRF', '2'], ['LOC', '3']]);
    expect(String(record.raw?.ClinicNum)).toBe('1');
  });
});

describe('mapProvider and mapOperatory (rows read from MariaDB)', () => {
  it('ProvStatus Deleted marks the provider deleted; Active does not', async () => {
    await update('provider', 1, { ProvStatus: 1 });
    const deleted = mapProvider(await readRow('provider', 1));
    expect(deleted.deleted).toBe(true);
    expect(deleted.data.status).toBe('deleted');
    await update('provider', 1, { ProvStatus: 0 });
    const active = mapProvider(await readRow('provider', 1));
    expect(active.deleted).toBe(false);
    expect(active.data.status).toBe('active');
  });

  it('IsSecondary means hygienist', async () => {
    await update('provider', 2, { IsSecondary: 1 });
    expect(mapProvider(await readRow('provider', 2)).data.isHygienist).toBe(true);
    await update('provider', 2, { IsSecondary: 0 });
    expect(mapProvider(await readRow('provider', 2)).data.isHygienist).toBe(false);
  });

  it("the provider's SSN/TIN is never copied into raw", async () => {
    await update('provider', 3, { SSN: '987-65-4321', FName: 'Ana', LName: 'Lopez' });
    const record = mapProvider(await readRow('provider', 3));
    expect(record.raw?.SSN).toBeUndefined();
    const serialized = JSON.stringify({ data: record.data, raw: record.raw });
    expect(serialized).not.toContain('987-65-4321');
    expect(record.externalId).toBe('3');
    expect(record.data.displayName).toBe('Ana Lopez');
  });

  it('operatory IsHidden is kept as status inactive, never as a delete', async () => {
    await update('operatory', 1, { IsHidden: 1, OpName: 'Op 1 — Hygiène' });
    const hidden = mapOperatory(await readRow('operatory', 1));
    expect(hidden.externalId).toBe('1');
    expect(hidden.data.status).toBe('inactive');
    expect(hidden.data.name).toBe('Op 1 — Hygiène');
    expect(hidden.deleted).toBeFalsy();
    await update('operatory', 1, { IsHidden: 0 });
    expect(mapOperatory(await readRow('operatory', 1)).data.status).toBe('active');
  });
});
