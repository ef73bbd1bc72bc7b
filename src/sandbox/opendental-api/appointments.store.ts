import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { RowEncoder, type Row } from '../opendental-db/row-format';
import { OPENDENTAL_COLUMNS } from '../opendental-db/schema.generated';
import { OdApiError } from './api-error';
import { API_ENUMS } from './api-json';
import { rows, serverNow, type SqlRow } from './office-db.service';
import { asDateTime, enumIndex } from './params';

/** ApptStatus numbers the sandbox writes. */
export const APT = { Scheduled: 1, UnschedList: 3, Broken: 5 } as const;
/** HistAppointmentAction (schema enum). */
const HIST = { Created: 0, Changed: 1, Missed: 2, Cancelled: 3 } as const;

/**
 * The sandbox office's answer to `confirmVal` (the eConfirmation statuses of PUT …/Confirm):
 * OpenDental maps each to an ApptConfirmed definition through practice preferences; these are
 * the sandbox's preferences, by definition name (the first ApptConfirmed definition when absent).
 */
export const CONFIRM_VALUES: Record<string, string> = {
  None: 'Not Called', Sent: 'eConfirm Sent', Confirmed: 'Appointment Confirmed', 'Not Accepted': 'Unconfirmed', Failed: 'Left Message',
};

const HIST_COLUMNS = OPENDENTAL_COLUMNS.appointment.filter((c) => OPENDENTAL_COLUMNS.histappointment.includes(c)).map((c) => `\`${c}\``).join(',');

/** Copies the appointment into histappointment, as OpenDental does on every change (schema §2). */
async function history(db: Pool | PoolConnection, aptNum: number, action: number): Promise<void> {
  // ApptSource 6 = OpenDentalAPIService (EServiceTypes).
  await db.query(`INSERT INTO histappointment (HistUserNum, HistDateTStamp, HistApptAction, ApptSource, ${HIST_COLUMNS}) SELECT 0, NOW(), ?, 6, ${HIST_COLUMNS} FROM appointment WHERE AptNum = ?`, [action, aptNum]);
}

/** An appointment row, or 404 "Appointment not found". */
export async function getAppointmentRow(pool: Pool, aptNum: number): Promise<SqlRow> {
  const [row] = await rows(pool, 'SELECT * FROM appointment WHERE AptNum = ?', [aptNum]);
  if (!row) throw OdApiError.notFound('Appointment not found');
  return row;
}

function key(value: unknown, name: string): number {
  if (!/^\d+$/.test(String(value ?? ''))) throw OdApiError.badRequest(`${name} is required and must be a number.`);
  return Number(value);
}

function flag(value: unknown, name: string): number {
  if (!['true', 'false'].includes(String(value).toLowerCase())) throw OdApiError.badRequest(`${name} must be "true" or "false".`);
  return String(value).toLowerCase() === 'true' ? 1 : 0;
}

async function firstConfirmDef(pool: Pool): Promise<number> {
  const [def] = await rows(pool, 'SELECT DefNum FROM definition WHERE Category = 2 ORDER BY ItemOrder LIMIT 1');
  return def ? Number(def.DefNum) : 0;
}

/**
 * POST /appointments (§1.5): PatNum, Op and AptDateTime required. Defaults: Pattern "/XX/"
 * (20 minutes), AptStatus Scheduled, ProvNum = the patient's PriProv, Confirmed = the first
 * ApptConfirmed definition, ClinicNum = the operatory's, InsPlan1/2 = the patient's plans.
 * Like OpenDental, an overlap with another appointment is not refused: callers check Slots or
 * GET /appointments first. Writes a histappointment row (Created). @returns the new AptNum.
 * @throws OdApiError 400 for a missing or invalid field.
 */
export async function insertAppointment(pool: Pool, body: Record<string, unknown>): Promise<number> {
  const patNum = key(body.PatNum, 'PatNum');
  const op = key(body.Op, 'Op');
  if (typeof body.AptDateTime !== 'string') throw OdApiError.badRequest('AptDateTime is required.');
  const aptDateTime = asDateTime(body.AptDateTime, 'AptDateTime');
  const [patient] = await rows(pool, 'SELECT PatNum, PatStatus, PriProv FROM patient WHERE PatNum = ?', [patNum]);
  if (!patient) throw OdApiError.badRequest('PatNum is invalid.');
  if (Number(patient.PatStatus) === 4) throw OdApiError.badRequest('Patient is deleted.');
  const [operatory] = await rows(pool, 'SELECT OperatoryNum, ClinicNum FROM operatory WHERE OperatoryNum = ?', [op]);
  if (!operatory) throw OdApiError.badRequest('Op is invalid.');
  const pattern = body.Pattern === undefined ? '/XX/' : String(body.Pattern);
  if (!/^[X/]+$/i.test(pattern)) throw OdApiError.badRequest('Pattern must contain only X and / characters.');
  const plans = await rows(pool, 'SELECT s.PlanNum FROM patplan p JOIN inssub s ON s.InsSubNum = p.InsSubNum WHERE p.PatNum = ? ORDER BY p.Ordinal', [patNum]);
  const row: Row = {
    PatNum: patNum, Op: op, AptDateTime: aptDateTime, Pattern: pattern.toUpperCase().slice(0, 108), AptStatus: APT.Scheduled,
    ProvNum: Number(patient.PriProv), Confirmed: await firstConfirmDef(pool), ClinicNum: Number(operatory.ClinicNum),
    InsPlan1: Number(plans[0]?.PlanNum ?? 0), InsPlan2: Number(plans[1]?.PlanNum ?? 0), SecDateTEntry: await serverNow(pool),
  };
  if (body.AptStatus !== undefined) row.AptStatus = enumIndex(API_ENUMS.appointment.AptStatus.slice(1), body.AptStatus, 'AptStatus') + 1;
  for (const field of ['ProvNum', 'ProvHyg', 'ClinicNum', 'AppointmentTypeNum', 'Confirmed']) if (body[field] !== undefined) row[field] = key(body[field], field);
  for (const field of ['IsHygiene', 'IsNewPatient', 'TimeLocked']) if (body[field] !== undefined) row[field] = flag(body[field], field);
  if (body.Priority !== undefined) row.Priority = enumIndex(API_ENUMS.appointment.Priority, body.Priority, 'Priority');
  if (body.Note !== undefined) row.Note = String(body.Note);
  const encoder = new RowEncoder('appointment', ['AptNum', 'DateTStamp']);
  const [result] = await pool.query<ResultSetHeader>(`${encoder.insertPrefix()}${encoder.sqlTuple(row)}`);
  await history(pool, result.insertId, HIST.Created);
  return result.insertId;
}

/**
 * PUT /appointments/{AptNum}/Break (§1.5): only Scheduled appointments; body
 * `sendToUnscheduledList` "true" (→ AptStatus UnschedList, off the schedule) or "false"
 * (→ Broken) is required; optional `breakType` Missed or Cancelled (recorded as the history
 * action; the sandbox has no broken-appointment procedure codes).
 */
export async function breakAppointment(pool: Pool, aptNum: number, body: Record<string, unknown>): Promise<void> {
  const send = body.sendToUnscheduledList;
  if (typeof send !== 'string' || !['true', 'false'].includes(send.toLowerCase())) {
    throw OdApiError.badRequest('sendToUnscheduledList is required and must be "true" or "false".');
  }
  if (body.breakType !== undefined && !['Missed', 'Cancelled'].includes(String(body.breakType))) throw OdApiError.badRequest('breakType must be Missed or Cancelled.');
  const row = await getAppointmentRow(pool, aptNum);
  if (Number(row.AptStatus) !== APT.Scheduled) throw OdApiError.badRequest('Only Scheduled appointments can be broken.');
  await pool.query('UPDATE appointment SET AptStatus = ? WHERE AptNum = ?', [send.toLowerCase() === 'true' ? APT.UnschedList : APT.Broken, aptNum]);
  await history(pool, aptNum, body.breakType === 'Missed' ? HIST.Missed : body.breakType === 'Cancelled' ? HIST.Cancelled : HIST.Changed);
}

/** PUT /appointments/{AptNum}/Confirm: exactly one of `confirmVal` ({@link CONFIRM_VALUES}) or `defNum` (an ApptConfirmed definition, category 2). */
export async function confirmAppointment(pool: Pool, aptNum: number, body: Record<string, unknown>): Promise<void> {
  const hasVal = body.confirmVal !== undefined;
  const hasDef = body.defNum !== undefined;
  if (hasVal === hasDef) throw OdApiError.badRequest('Either confirmVal or defNum is required, but not both.');
  await getAppointmentRow(pool, aptNum);
  let defNum: number;
  if (hasVal) {
    const name = Object.keys(CONFIRM_VALUES).find((v) => v.toLowerCase() === String(body.confirmVal).toLowerCase());
    if (!name) throw OdApiError.badRequest(`confirmVal must be one of: ${Object.keys(CONFIRM_VALUES).join(', ')}.`);
    const [def] = await rows(pool, 'SELECT DefNum FROM definition WHERE Category = 2 AND ItemName = ?', [CONFIRM_VALUES[name]]);
    defNum = def ? Number(def.DefNum) : await firstConfirmDef(pool);
  } else {
    defNum = key(body.defNum, 'defNum');
    const [def] = await rows(pool, 'SELECT DefNum FROM definition WHERE Category = 2 AND DefNum = ?', [defNum]);
    if (!def) throw OdApiError.badRequest('defNum is not an ApptConfirmed definition.');
  }
  await pool.query('UPDATE appointment SET Confirmed = ? WHERE AptNum = ?', [defNum, aptNum]);
  await history(pool, aptNum, HIST.Changed);
}

/** PUT /appointments/{AptNum}/Note: appends `Note` as a new line of the appointment's note. */
export async function appendNote(pool: Pool, aptNum: number, body: Record<string, unknown>): Promise<void> {
  if (typeof body.Note !== 'string' || body.Note.trim() === '') throw OdApiError.badRequest('Note is required.');
  await getAppointmentRow(pool, aptNum);
  await pool.query("UPDATE appointment SET Note = IF(Note = '', ?, CONCAT(Note, '\\r\\n', ?)) WHERE AptNum = ?", [body.Note, body.Note, aptNum]);
  await history(pool, aptNum, HIST.Changed);
}

/**
 * PUT /appointments/{AptNum} (§1.5: all fields optional; OpenDental discourages it in favour
 * of Break/Confirm/Note): AptStatus (by name), AptDateTime, Op, Pattern, ProvNum, ProvHyg,
 * ClinicNum, Confirmed, AppointmentTypeNum, IsHygiene, IsNewPatient, Priority, and Note, which
 * OVERWRITES the note. Writes a histappointment row (Changed).
 */
export async function updateAppointment(pool: Pool, aptNum: number, body: Record<string, unknown>): Promise<void> {
  await getAppointmentRow(pool, aptNum);
  const values: Row = {};
  if (body.AptStatus !== undefined) values.AptStatus = enumIndex(API_ENUMS.appointment.AptStatus.slice(1), body.AptStatus, 'AptStatus') + 1;
  if (body.AptDateTime !== undefined) values.AptDateTime = asDateTime(String(body.AptDateTime), 'AptDateTime');
  if (body.Op !== undefined) {
    const [op] = await rows(pool, 'SELECT OperatoryNum FROM operatory WHERE OperatoryNum = ?', [key(body.Op, 'Op')]);
    if (!op) throw OdApiError.badRequest('Op is invalid.');
    values.Op = Number(op.OperatoryNum);
  }
  if (body.Pattern !== undefined) {
    if (!/^[X/]+$/i.test(String(body.Pattern))) throw OdApiError.badRequest('Pattern must contain only X and / characters.');
    values.Pattern = String(body.Pattern).toUpperCase().slice(0, 108);
  }
  for (const field of ['ProvNum', 'ProvHyg', 'ClinicNum', 'Confirmed', 'AppointmentTypeNum']) if (body[field] !== undefined) values[field] = key(body[field], field);
  for (const field of ['IsHygiene', 'IsNewPatient']) if (body[field] !== undefined) values[field] = flag(body[field], field);
  if (body.Priority !== undefined) values.Priority = enumIndex(API_ENUMS.appointment.Priority, body.Priority, 'Priority');
  if (body.Note !== undefined) values.Note = String(body.Note);
  if (Object.keys(values).length === 0) return;
  await pool.query('UPDATE appointment SET ? WHERE AptNum = ?', [values, aptNum]);
  await history(pool, aptNum, HIST.Changed);
}
