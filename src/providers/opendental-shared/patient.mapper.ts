import { normalizeSearchText } from '../../common/search-text';
import {
  AdministrativeGender, MaritalStatus, PatientStatus, SOURCE_CHART_NUMBER_SYSTEM, SOURCE_ID_SYSTEM, SOURCE_MEDICAID_SYSTEM,
  address, humanName, identifiers, link, pmsPatientKeySystem, telecom,
} from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { GENDER, PAT_STATUS, POSITION, enumName } from './enums';
import { fk, localToInstant, odDate, odDateTime, text } from './values';

/** A patient row with OpenDental's column names (database row, or API JSON of the same fields). */
export type OpenDentalPatientRow = Record<string, unknown>;

/** Options of the patient mapping taken from the integration's config. */
export interface PatientMapOptions {
  requireBirthdate: boolean;
  /** The office's IANA time zone: DateTimeDeceased is office-local. */
  timeZone: string;
}

/** The identifier system under which OpenDental patients carry their PatNum across integrations (a synchronizer such as NexHealth reports the same). */
export const OPENDENTAL_PATIENT_KEY_SYSTEM = pmsPatientKeySystem('opendental');

/** Our PATIENT_STATUS from PatStatus: Archived is `inactive`; the OpenDental name stays in `sourceStatus`. */
const STATUS: Record<string, PatientStatus> = {
  Patient: 'active', NonPatient: 'non_patient', Inactive: 'inactive', Archived: 'inactive',
  Deleted: 'deleted', Deceased: 'deceased', Prospective: 'prospective',
};

/** FHIR AdministrativeGender codes. */
const GENDER_CODE: Record<string, AdministrativeGender> = { Male: 'male', Female: 'female', Unknown: 'unknown', Other: 'other' };

/** patient.Position as a v3 MaritalStatus code (Child: S, never married). */
const MARITAL: Record<string, MaritalStatus> = { Single: 'S', Married: 'M', Child: 'S', Widowed: 'W', Divorced: 'D' };

/** Sensitive columns never copied into `raw`. */
const SENSITIVE_COLUMNS = ['SSN'];

function ssnParts(value: unknown): { last4: string | null; full: string | null } {
  const digits = String(value ?? '').replace(/\D/g, '');
  if (digits.length < 4) return { last4: null, full: null };
  return { last4: digits.slice(-4), full: digits };
}

/**
 * Maps an OpenDental `patient` row (database row, or API JSON of the same columns) to a canonical
 * `Patient` (src/canonical/patient.ts) (docs/canonical-model.md has the column table):
 * - names: `official` = FName, MiddleI, LName, Title as prefix; a `usual` name when Preferred is set;
 *   `displayName` uses Preferred when present.
 * - `birthDate` = Birthdate (`0001-01-01` = none); `gender` = Gender as AdministrativeGender.
 * - `status` = PatStatus as our PATIENT_STATUS (Archived → inactive, Deceased → deceased with
 *   `deceased: true`); Deleted also marks the record deleted. `sourceStatus` = the PatStatus name.
 * - `maritalStatus` = Position as a v3 MaritalStatus code.
 * - `telecom`: WirelessPhone (mobile), HmPhone (home), WkPhone (work) ranked in that order, then Email.
 * - `identifiers`: PatNum under the source id and under {@link OPENDENTAL_PATIENT_KEY_SYSTEM} (PI),
 *   ChartNumber (MR), MedicaidID (MA).
 * - SSN goes only to `sensitive.ssn` (encrypted by the store) and `ssnLast4`; `raw` never has it.
 * - PriProv, ClinicNum, Guarantor become links by OpenDental key (0 = none); DateTimeDeceased an instant in `timeZone`.
 * Returns a skip issue `missing_birthdate` when `requireBirthdate` is on and there is none.
 */
export function mapPatient(row: OpenDentalPatientRow, options: PatientMapOptions): CanonicalRecord<'patients'> | RecordIssue {
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
  const ssn = ssnParts(row.SSN);
  // Copy then blank (not delete) sensitive columns: JSON drops undefined, and the copy keeps its fast shape.
  const raw: Record<string, unknown> = { ...row };
  for (const key of SENSITIVE_COLUMNS) if (key in raw) raw[key] = undefined;
  const genderName = enumName(GENDER, row.Gender);
  const positionName = enumName(POSITION, row.Position);
  const status = statusName ? STATUS[statusName] : null;
  const deceasedDateTime = localToInstant(odDateTime(row.DateTimeDeceased), options.timeZone);
  const names = [humanName('official', lastName, [firstName, text(row.MiddleI)], [text(row.Title)])];
  if (preferredName) names.push(humanName('usual', lastName, [preferredName]));

  return {
    externalId,
    deleted,
    sourceUpdatedAt: text(row.DateTStamp),
    data: {
      names,
      preferredName,
      displayName: [preferredName ?? firstName, lastName].filter(Boolean).join(' ') || null,
      birthDate,
      gender: genderName ? GENDER_CODE[genderName] : null,
      status,
      sourceStatus: statusName,
      telecom: telecom([['mobile', text(row.WirelessPhone)], ['home', text(row.HmPhone)], ['work', text(row.WkPhone)]], text(row.Email)),
      addresses: optionalList(address('home', [text(row.Address), text(row.Address2)], text(row.City), text(row.State), text(row.Zip), text(row.Country))),
      identifiers: identifiers([
        [SOURCE_ID_SYSTEM, externalId, 'PI'],
        [OPENDENTAL_PATIENT_KEY_SYSTEM, externalId, 'PI'],
        [SOURCE_CHART_NUMBER_SYSTEM, text(row.ChartNumber), 'MR'],
        [SOURCE_MEDICAID_SYSTEM, text(row.MedicaidID), 'MA'],
      ]),
      ssnLast4: ssn.last4,
      deceased: statusName === 'Deceased' || deceasedDateTime !== null,
      deceasedDateTime,
      maritalStatus: positionName ? MARITAL[positionName] : null,
      language: text(row.Language),
      primaryProvider: link(fk(row.PriProv)),
      primaryLocation: link(fk(row.ClinicNum)),
      guarantor: link(fk(row.Guarantor)),
      firstVisitDate: odDate(row.DateFirstVisit),
    },
    raw,
    sensitive: ssn.full ? { ssn: ssn.full } : undefined,
    index: {
      searchText: normalizeSearchText(firstName, preferredName, lastName),
      birthDate,
      status,
    },
  };
}

function optionalList<T>(value: T | null): T[] {
  return value === null ? [] : [value];
}
