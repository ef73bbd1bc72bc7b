import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { asciiFold } from '../opendental-db/patients';
import { RowEncoder, type Row } from '../opendental-db/row-format';
import { OdApiError } from './api-error';
import { API_ENUMS } from './api-json';
import { rows, type SqlRow } from './office-db.service';
import { asDate, enumIndex } from './params';

const E = API_ENUMS.patient;
const TEXT = ['LName', 'FName', 'MiddleI', 'Preferred', 'SSN', 'Address', 'Address2', 'City', 'State', 'Zip', 'HmPhone', 'WkPhone', 'WirelessPhone',
  'Email', 'ChartNumber', 'MedicaidID', 'Language', 'Title', 'Ward', 'Country'];
const ENUM_FIELDS = ['PatStatus', 'Gender', 'Position', 'PreferConfirmMethod', 'PreferContactMethod', 'PreferRecallMethod', 'TxtMsgOk'];
const DATES = ['Birthdate', 'DateFirstVisit'];
const KEYS = ['PriProv', 'SecProv', 'ClinicNum', 'Guarantor', 'FeeSched', 'EmployerNum', 'SuperFamily', 'BillingType'];
const BOOLS = ['Premed'];
const ZIP = /^(\d{5}(-\d{4})?|\d{9}|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)$/;

/**
 * Reads the patient fields of a POST/PUT body (§1.5, [OD-PAT]): text as given, enums by name,
 * dates `yyyy-MM-dd`, keys as numbers, booleans "true"/"false". Unknown fields are ignored.
 * POST Gender accepts only Male, Female or Unknown; Zip must look like 12345, 12345-1234,
 * 123456789 or A0A 0A0. `""` clears a field (the caller refuses it for LName/FName).
 * @throws OdApiError 400 naming the first bad field.
 */
export function patientValues(body: Record<string, unknown>, forCreate: boolean): Row {
  const out: Row = {};
  for (const [field, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    if (TEXT.includes(field)) {
      if (typeof value !== 'string') throw OdApiError.badRequest(`${field} must be a string.`);
      out[field] = value.trim();
    } else if (ENUM_FIELDS.includes(field)) {
      const names = field === 'Gender' && forCreate ? ['Male', 'Female', 'Unknown'] : E[field];
      out[field] = enumIndex(names, value, field);
    } else if (DATES.includes(field)) {
      out[field] = value === '' ? '0001-01-01' : asDate(String(value), field);
    } else if (KEYS.includes(field)) {
      if (!/^\d+$/.test(String(value))) throw OdApiError.badRequest(`${field} must be a number.`);
      out[field] = Number(value);
    } else if (BOOLS.includes(field)) {
      if (!['true', 'false'].includes(String(value).toLowerCase())) throw OdApiError.badRequest(`${field} must be "true" or "false".`);
      out[field] = String(value).toLowerCase() === 'true' ? 1 : 0;
    }
  }
  if (typeof out.Zip === 'string' && out.Zip !== '' && !ZIP.test(out.Zip)) throw OdApiError.badRequest('Zip is invalid.');
  return out;
}

/** A patient row, or 404 "Patient not found". */
export async function getPatientRow(pool: Pool, patNum: number): Promise<SqlRow> {
  const [row] = await rows(pool, 'SELECT * FROM patient WHERE PatNum = ?', [patNum]);
  if (!row) throw OdApiError.notFound('Patient not found');
  return row;
}

const digits = (value: unknown): string => String(value ?? '').replace(/\D/g, '');

/**
 * OpenDental's duplicate check on POST /patients (§1.5): a patient that is not Deleted with the
 * same LName, FName (case-insensitive) and Birthdate, and the same Email or one same phone
 * number (digits compared, any of home, work and wireless).
 */
export async function findDuplicate(pool: Pool, values: Row): Promise<SqlRow | null> {
  const candidates = await rows(pool, 'SELECT * FROM patient WHERE PatStatus <> 4 AND LName = ? AND FName = ? AND Birthdate = ? ORDER BY PatNum',
    [values.LName, values.FName, values.Birthdate ?? '0001-01-01']);
  const email = String(values.Email ?? '').toLowerCase();
  const phones = [values.HmPhone, values.WkPhone, values.WirelessPhone].map(digits).filter((p) => p.length >= 7);
  return candidates.find((c) => (email !== '' && String(c.Email).toLowerCase() === email)
    || [c.HmPhone, c.WkPhone, c.WirelessPhone].map(digits).some((p) => p !== '' && phones.includes(p))) ?? null;
}

/** The practice's default provider: the clinic's DefaultProv, else the first active dentist. */
async function defaultProvider(pool: Pool, clinicNum: number): Promise<number> {
  if (clinicNum > 0) {
    const [clinic] = await rows(pool, 'SELECT DefaultProv FROM clinic WHERE ClinicNum = ?', [clinicNum]);
    if (clinic && Number(clinic.DefaultProv) > 0) return Number(clinic.DefaultProv);
  }
  const [prov] = await rows(pool, 'SELECT ProvNum FROM provider WHERE ProvStatus = 0 AND IsHidden = 0 AND IsSecondary = 0 ORDER BY ProvNum LIMIT 1');
  return prov ? Number(prov.ProvNum) : 0;
}

/**
 * Inserts a patient as OpenDental does: PatStatus Patient, Gender Unknown and Position Single
 * unless given, PriProv the practice default, BillingType the first billing type, Guarantor
 * itself (set after the insert, when PatNum is known), ImageFolder LName+FName+PatNum.
 * MariaDB stamps DateTStamp. @returns the new PatNum.
 */
export async function insertPatient(pool: Pool, values: Row): Promise<number> {
  const clinicNum = Number(values.ClinicNum ?? 0);
  const [billing] = await rows(pool, 'SELECT DefNum FROM definition WHERE Category = 4 ORDER BY ItemOrder LIMIT 1');
  const row: Row = {
    PatStatus: 0, Gender: 2, Position: 0, Birthdate: '0001-01-01', PriProv: await defaultProvider(pool, clinicNum),
    BillingType: billing ? Number(billing.DefNum) : 0, ImageFolder: asciiFold(`${values.LName}${values.FName}`),
    SecDateEntry: new Date().toISOString().slice(0, 10), ...values,
  };
  const encoder = new RowEncoder('patient', ['PatNum', 'DateTStamp']);
  const [result] = await pool.query<ResultSetHeader>(`${encoder.insertPrefix()}${encoder.sqlTuple(row)}`);
  const patNum = result.insertId;
  await pool.query('UPDATE patient SET Guarantor = IF(Guarantor = 0, PatNum, Guarantor), ImageFolder = CONCAT(ImageFolder, PatNum) WHERE PatNum = ?', [patNum]);
  return patNum;
}
