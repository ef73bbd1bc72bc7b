import { normalizeSearchText } from '../../common/search-text';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { GENDER, PAT_STATUS, POSITION, enumName } from './enums';
import { fk, odDate, odDateTime, text } from './values';

/** A patient row with OpenDental's column names (database row, or API JSON of the same fields). */
export type OpenDentalPatientRow = Record<string, unknown>;

/** Options of the patient mapping taken from the integration's config. */
export interface PatientMapOptions {
  requireBirthdate: boolean;
}

/** Canonical patient status: OpenDental's PatStatus in snake case. */
const STATUS: Record<string, string> = {
  Patient: 'active', NonPatient: 'non_patient', Inactive: 'inactive', Archived: 'archived',
  Deleted: 'deleted', Deceased: 'deceased', Prospective: 'prospective',
};

/** FHIR AdministrativeGender codes. */
const GENDER_CODE: Record<string, string> = { Male: 'male', Female: 'female', Unknown: 'unknown', Other: 'other' };

/** Sensitive columns never copied into `raw`. */
const SENSITIVE_COLUMNS = new Set(['SSN']);

type Phone = { type: 'mobile' | 'home' | 'work'; number: string };

function phones(row: OpenDentalPatientRow): Phone[] {
  // Order is the preference: Wireless > Home > Work.
  const list: Array<[Phone['type'], unknown]> = [['mobile', row.WirelessPhone], ['home', row.HmPhone], ['work', row.WkPhone]];
  return list.flatMap(([type, value]) => {
    const number = text(value);
    return number ? [{ type, number }] : [];
  });
}

function ssnLast4(value: unknown): { last4: string | null; full: string | null } {
  const digits = String(value ?? '').replace(/\D/g, '');
  if (digits.length < 4) return { last4: null, full: null };
  return { last4: digits.slice(-4), full: digits };
}

/**
 * Maps an OpenDental `patient` row to a canonical patient (rules in the README's mapping table):
 * - `firstName` = FName (legal), `preferredName` = Preferred; `displayName` uses Preferred when present.
 * - `middleInitial` = MiddleI; `birthDate` = Birthdate with `0001-01-01` = none.
 * - `gender` = Gender as FHIR AdministrativeGender; `status` = PatStatus (Deleted marks the record deleted).
 * - `phone` is Wireless > Home > Work; all three are kept in `phones[]` with their type.
 * - address lines 1 and 2, city, state, postal code, country; `medicaidId` = MedicaidID.
 * - SSN goes only to `sensitive.ssn` (encrypted by the store) and `ssnLast4`; `raw` never has it.
 * - provider, clinic and guarantor links keep OpenDental's keys as external ids (0 = none).
 * Returns a skip issue `missing_birthdate` when `requireBirthdate` is on and there is none.
 */
export function mapPatient(row: OpenDentalPatientRow, options: PatientMapOptions): CanonicalRecord | RecordIssue {
  const externalId = String(row.PatNum);
  const statusName = enumName(PAT_STATUS, row.PatStatus);
  const birthDate = odDate(row.Birthdate);
  const deleted = statusName === 'Deleted';
  if (!birthDate && options.requireBirthdate && !deleted) {
    return { externalId, code: 'missing_birthdate', message: 'Patient has no birth date (0001-01-01) and requireBirthdate is on' };
  }
  const firstName = text(row.FName);
  const lastName = text(row.LName);
  const preferredName = text(row.Preferred);
  const phoneList = phones(row);
  const ssn = ssnLast4(row.SSN);
  // Copy then blank (not delete) sensitive columns: JSON drops undefined, and the copy keeps its fast shape.
  const raw: Record<string, unknown> = { ...row };
  for (const key of SENSITIVE_COLUMNS) if (key in raw) raw[key] = undefined;
  const displayName = [preferredName ?? firstName, lastName].filter(Boolean).join(' ') || null;
  const genderName = enumName(GENDER, row.Gender);

  return {
    externalId,
    deleted,
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      firstName,
      middleInitial: text(row.MiddleI),
      lastName,
      preferredName,
      displayName,
      title: text(row.Title),
      birthDate,
      gender: genderName ? GENDER_CODE[genderName] : null,
      status: statusName ? STATUS[statusName] : null,
      sourceStatus: statusName,
      maritalStatus: enumName(POSITION, row.Position),
      email: text(row.Email),
      phone: phoneList[0]?.number ?? null,
      phones: phoneList,
      address: {
        line1: text(row.Address),
        line2: text(row.Address2),
        city: text(row.City),
        state: text(row.State),
        postalCode: text(row.Zip),
        country: text(row.Country),
      },
      medicaidId: text(row.MedicaidID),
      ssnLast4: ssn.last4,
      chartNumber: text(row.ChartNumber),
      language: text(row.Language),
      primaryProviderExternalId: fk(row.PriProv),
      secondaryProviderExternalId: fk(row.SecProv),
      clinicExternalId: fk(row.ClinicNum),
      guarantorExternalId: fk(row.Guarantor),
      deceasedAt: odDateTime(row.DateTimeDeceased),
      firstVisitDate: odDate(row.DateFirstVisit),
    },
    raw,
    sensitive: ssn.full ? { ssn: ssn.full } : undefined,
    index: {
      searchText: normalizeSearchText(firstName, preferredName, lastName),
      birthDate,
      status: statusName ? STATUS[statusName] : null,
    },
  };
}
