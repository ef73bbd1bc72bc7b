import { specDatabase } from '../helpers/sandbox';
import IORedis from 'ioredis';
import { Connection } from 'mysql2/promise';
import { OpenDentalApiAdapter } from '../../src/providers/opendental-api/opendental-api.adapter';
import { preferredPhone } from '../../src/canonical';
import { AdapterContext, CanonicalRecord } from '../../src/providers/provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../../src/providers/provider.exception';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { apiContext, ApiSandbox, buildOffice, makeAdapter, MYSQL_URL, startApiSandbox, TEST_REDIS_URL } from '../helpers/opendental-api';

/**
 * performAction / findSlots, the adapter surface the actions module calls (provider-adapter.ts),
 * against the sandbox: vendor-neutral payloads in, OpenDental writes out, canonical records back.
 */
const DB = specDatabase('od_spec_api_actions');
const KEY = `spec-actions-${process.pid}`;

let api: ApiSandbox;
let redis: IORedis;
let mysql: Connection;
let adapter: OpenDentalApiAdapter;
let ctx: AdapterContext;
let op: { OperatoryNum: number; ProvDentist: number };
let day: string;
let patNum: number;

const query = async <T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> => (await mysql.query(sql, params))[0] as T[];
/** An instant `hh:mm` office-local (UTC here) on the test day. */
const at = (hhmm: string) => `${day}T${hhmm}:00Z`;

beforeAll(async () => {
  await buildOffice(DB, 40, 4);
  mysql = await openSandboxConnection(MYSQL_URL, DB);
  api = await startApiSandbox(KEY);
  await api.sandbox.registerCustomer({ customerKey: KEY, database: DB, minIntervalMs: 0 });
  redis = new IORedis(TEST_REDIS_URL);
  adapter = makeAdapter(redis, { intervalMs: 0, throttleKeyPrefix: `${KEY}-adapter` });
  ctx = apiContext(api.baseUrl, KEY, { timeZone: 'UTC' });
  [op] = await query('SELECT OperatoryNum, ProvDentist FROM operatory WHERE IsHidden = 0 AND ProvDentist > 0 ORDER BY OperatoryNum LIMIT 1');
  [{ day }] = await query("SELECT DATE_FORMAT(DATE_ADD(CURDATE(), INTERVAL ((11 - DAYOFWEEK(CURDATE())) % 7) + 14 DAY), '%Y-%m-%d') day");
  // A free chair and a free dentist that day, whatever the generator booked.
  await mysql.query('DELETE FROM appointment WHERE DATE(AptDateTime) = ? AND (Op = ? OR ProvNum = ? OR ProvHyg = ?)', [day, op.OperatoryNum, op.ProvDentist, op.ProvDentist]);
  [{ patNum }] = await query('SELECT PatNum AS patNum FROM patient WHERE PatStatus = 0 ORDER BY PatNum LIMIT 1');
});

afterAll(async () => {
  await api?.close();
  await redis?.quit();
  await mysql?.query(`DROP DATABASE IF EXISTS ${DB}`);
  await mysql?.end();
});

it('create_patient: created, then OpenDental\'s duplicate check answers duplicate: true with the same patient', async () => {
  const payload = { firstName: 'Léa', lastName: 'Moreau', birthDate: '1979-11-02', phone: '(971)555-0188', gender: 'female', address: { line1: '5 Elm St', postalCode: '97005' } };
  const first = await adapter.writeBack.performAction(ctx, { type: 'create_patient', payload });
  expect(first.result).toMatchObject({ duplicate: false });
  expect(first.records).toHaveLength(1);
  expect(first.records[0]).toMatchObject({ resource: 'patients', record: { data: { names: expect.arrayContaining([expect.objectContaining({ use: 'official', given: ['Léa'] })]), birthDate: '1979-11-02', gender: 'female' } } });
  expect(preferredPhone((first.records[0].record as CanonicalRecord<'patients'>).data.telecom)).toBe('(971)555-0188');
  const again = await adapter.writeBack.performAction(ctx, { type: 'create_patient', payload });
  expect(again.result).toEqual({ patientExternalId: first.result.patientExternalId, duplicate: true });
});

it('findSlots answers AppointmentSlot blocks; create_appointment books one and refuses an overlap with 409', async () => {
  const slots = await adapter.writeBack.findSlots(ctx, { dateStart: day, dateEnd: day, lengthMinutes: 60, providerExternalId: String(op.ProvDentist), locationExternalId: String(op.OperatoryNum) });
  expect(slots).toEqual([{ start: `${day}T07:00:00.000Z`, end: `${day}T17:00:00.000Z`, localDate: day, providerExternalId: String(op.ProvDentist), locationExternalId: String(op.OperatoryNum) }]);
  const booked = await adapter.writeBack.performAction(ctx, { type: 'create_appointment', payload: { patientExternalId: String(patNum), locationExternalId: String(op.OperatoryNum), start: at('09:00'), durationMinutes: 40, note: 'New pt exam' } });
  expect(booked.result).toMatchObject({ start: `${day}T09:00:00.000Z`, end: `${day}T09:40:00.000Z` });
  expect(booked.records[0].record.data).toMatchObject({ status: 'booked', durationMinutes: 40, comment: 'New pt exam' });
  const clash = await adapter.writeBack.performAction(ctx, { type: 'create_appointment', payload: { patientExternalId: String(patNum), locationExternalId: String(op.OperatoryNum), start: at('09:30'), durationMinutes: 30 } }).catch((e) => e);
  expect(clash).toBeInstanceOf(ProviderException);
  expect(clash).toMatchObject({ code: ProviderExceptionCode.CONFLICT, status: 409 });
  expect(clash.message).toMatch(/Operatory \d+ is taken/);
  const [{ n }] = await query('SELECT count(*) n FROM appointment WHERE Op = ? AND DATE(AptDateTime) = ?', [op.OperatoryNum, day]);
  expect(Number(n)).toBe(1);
  const after = await adapter.writeBack.findSlots(ctx, { dateStart: day, dateEnd: day, providerExternalId: String(op.ProvDentist), locationExternalId: String(op.OperatoryNum) });
  expect(after.map((s) => [s.start, s.end])).toEqual([[`${day}T07:00:00.000Z`, `${day}T09:00:00.000Z`], [`${day}T09:40:00.000Z`, `${day}T17:00:00.000Z`]]);
});

it('create_appointment run again after a lost answer finds its own booking instead of booking twice', async () => {
  const payload = { patientExternalId: String(patNum), locationExternalId: String(op.OperatoryNum), start: at('12:00'), durationMinutes: 20 };
  const first = await adapter.writeBack.performAction(ctx, { type: 'create_appointment', payload });
  const retried = await adapter.writeBack.performAction(ctx, { type: 'create_appointment', payload });
  expect(retried.result).toMatchObject({ appointmentExternalId: first.result.appointmentExternalId, recovered: true });
  const [{ n }] = await query('SELECT count(*) n FROM appointment WHERE AptDateTime = ?', [`${day} 12:00:00`]);
  expect(Number(n)).toBe(1);
});

it('confirm, note, reschedule (break then create), cancel', async () => {
  const booked = await adapter.writeBack.performAction(ctx, { type: 'create_appointment', payload: { patientExternalId: String(patNum), locationExternalId: String(op.OperatoryNum), start: at('11:00'), durationMinutes: 30 } });
  const aptNum = String(booked.result.appointmentExternalId);
  const confirmed = await adapter.writeBack.performAction(ctx, { type: 'confirm_appointment', payload: { appointmentExternalId: aptNum, confirmation: 'confirmed' } });
  expect(confirmed.result).toEqual({ appointmentExternalId: aptNum, confirmation: 'Appointment Confirmed' });
  const noted = await adapter.writeBack.performAction(ctx, { type: 'add_appointment_note', payload: { appointmentExternalId: aptNum, note: 'Running late' } });
  expect((noted.records[0].record as CanonicalRecord<'appointments'>).data.comment).toBe('Running late');

  const moved = await adapter.writeBack.performAction(ctx, { type: 'reschedule_appointment', payload: { appointmentExternalId: aptNum, start: at('14:00') } });
  expect(moved.result).toMatchObject({ previousAppointmentExternalId: aptNum, previousStatus: 'Broken', start: `${day}T14:00:00.000Z`, end: `${day}T14:30:00.000Z` });
  expect(moved.records.map((r) => (r.record as CanonicalRecord<'appointments'>).data.status).sort()).toEqual(['booked', 'cancelled']);
  const newNum = String(moved.result.appointmentExternalId);
  expect((await adapter.getAppointment(ctx, Number(newNum))).vendor).toMatchObject({ Note: 'Running late', Pattern: 'XXXXXX' });

  const cancelled = await adapter.writeBack.performAction(ctx, { type: 'cancel_appointment', payload: { appointmentExternalId: newNum, reason: 'missed' } });
  expect(cancelled.result).toMatchObject({ appointmentExternalId: newNum, status: 'waitlist', sourceStatus: 'UnschedList' });
  await expect(adapter.writeBack.performAction(ctx, { type: 'cancel_appointment', payload: { appointmentExternalId: newNum } })).rejects.toMatchObject({ code: ProviderExceptionCode.CONFLICT });
  const [hist] = await query('SELECT HistApptAction FROM histappointment WHERE AptNum = ? ORDER BY HistApptNum DESC LIMIT 1', [newNum]);
  expect(hist.HistApptAction).toBe(2); // Missed
});

it('a failing create during reschedule leaves the original appointment scheduled', async () => {
  const booked = await adapter.writeBack.performAction(ctx, { type: 'create_appointment', payload: { patientExternalId: String(patNum), locationExternalId: String(op.OperatoryNum), start: at('15:00'), durationMinutes: 20 } });
  const aptNum = String(booked.result.appointmentExternalId);
  api.sandbox.injectFaults(KEY, { status: 400, body: 'Op is invalid.', method: 'POST', pathIncludes: '/appointments' });
  const error = await adapter.writeBack.performAction(ctx, { type: 'reschedule_appointment', payload: { appointmentExternalId: aptNum, start: at('16:00') } }).catch((e) => e);
  expect(error).toMatchObject({ code: ProviderExceptionCode.BAD_REQUEST, temporary: false });
  expect(error.message).toMatch(/restored to Scheduled/);
  const [row] = await query('SELECT AptStatus, AptDateTime FROM appointment WHERE AptNum = ?', [aptNum]);
  expect(row).toEqual({ AptStatus: 1, AptDateTime: `${day} 15:00:00` });
  const [{ n }] = await query("SELECT count(*) n FROM appointment WHERE AptDateTime = ?", [`${day} 16:00:00`]);
  expect(Number(n)).toBe(0);
});

it('payload ids that are not OpenDental keys are BAD_REQUEST; a read-only key cannot act', async () => {
  await expect(adapter.writeBack.performAction(ctx, { type: 'add_appointment_note', payload: { appointmentExternalId: 'abc', note: 'x' } })).rejects.toMatchObject({ code: ProviderExceptionCode.BAD_REQUEST, status: 400 });
  await expect(adapter.writeBack.performAction(apiContext(api.baseUrl, KEY, { readOnly: true }), { type: 'add_appointment_note', payload: { appointmentExternalId: '1', note: 'x' } }))
    .rejects.toMatchObject({ code: ProviderExceptionCode.UNSUPPORTED });
});
