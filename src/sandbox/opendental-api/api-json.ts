import { OPENDENTAL_COLUMNS, OPENDENTAL_COLUMN_TYPES } from '../opendental-db/schema.generated';
import type { OfficeLookups, SqlRow } from './office-db.service';

/**
 * Rows → JSON as OpenDental's REST API writes them (§1.2, §1.6): enums as their text names,
 * booleans as "true"/"false", dates as stored (`0001-01-01` = none), carriage returns as spaces,
 * colors as "R,G,B", plus the lower-case non-column fields (`confirmed`, `provAbbr`…).
 * Enum names follow the schema document (OpenDentalDocumentation25-4.xml) and are kept here,
 * apart from the adapter's decoders, so the sandbox is an independent reference.
 */
const CONTACT = ['None', 'DoNotCall', 'HmPhone', 'WkPhone', 'WirelessPh', 'Email', 'SeeNotes', 'Mail', 'TextMessage'];
const YN = ['Unknown', 'Yes', 'No'];

export const API_ENUMS: Record<string, Record<string, readonly string[]>> = {
  patient: {
    PatStatus: ['Patient', 'NonPatient', 'Inactive', 'Archived', 'Deleted', 'Deceased', 'Prospective'],
    Gender: ['Male', 'Female', 'Unknown', 'Other'],
    Position: ['Single', 'Married', 'Child', 'Widowed', 'Divorced'],
    GradeLevel: ['Unknown', 'First', 'Second', 'Third', 'Fourth', 'Fifth', 'Sixth', 'Seventh', 'Eighth', 'Ninth', 'Tenth', 'Eleventh', 'Twelfth', 'PrenatalWIC', 'PreK', 'Kindergarten', 'Other'],
    Urgency: ['Unknown', 'NoProblems', 'NeedsCare', 'Urgent'],
    PreferConfirmMethod: CONTACT, PreferContactMethod: CONTACT, PreferRecallMethod: CONTACT, PreferContactConfidential: CONTACT,
    TxtMsgOk: YN,
  },
  appointment: {
    AptStatus: ['None', 'Scheduled', 'Complete', 'UnschedList', 'ASAP', 'Broken', 'Planned', 'PtNote', 'PtNoteCompleted'],
    Priority: ['Normal', 'ASAP'],
  },
  provider: { ProvStatus: ['Active', 'Deleted'], IsErxEnabled: ['Disabled', 'Enabled', 'EnabledWithLegacy'] },
  insplan: {
    CobRule: ['Basic', 'Standard', 'CarveOut', 'SecondaryMedicaid'],
    OrthoType: ['InitialClaimOnly', 'InitialPlusVisit', 'InitialPlusPeriodic'],
    OrthoAutoProcFreq: ['Monthly', 'Quarterly', 'SemiAnnual', 'Annual'],
    ExclusionFeeRule: ['PracticeDefault', 'DoNothing', 'UseUcrFee'],
    InsPlansZeroWriteOffsOnAnnualMaxOverride: YN, InsPlansZeroWriteOffsOnFreqOrAgingOverride: YN,
  },
  // The API documentation spells Relat 6 "InjuredPlantiff" (§1.5): the sandbox sends that spelling.
  patplan: { Relationship: ['Self', 'Spouse', 'Child', 'Employee', 'HandicapDep', 'SignifOther', 'InjuredPlantiff', 'LifePartner', 'Dependent'] },
  carrier: {
    NoSendElect: ['SendElect', 'NoSendElect', 'NoSendSecondaryElect'],
    CobInsPaidBehaviorOverride: ['Default', 'ClaimLevel', 'ProcedureLevel', 'Both'],
    EraAutomationOverride: ['UseGlobal', 'ReviewAll', 'SemiAutomatic', 'FullyAutomatic'],
    OrthoInsPayConsolidate: ['Global', 'ForceConsolidateOn', 'ForceConsolidateOff'],
    PaySuiteTransSup: ['None', 'ExtendedReversal', 'PlanDetails', 'Both'],
  },
  document: {
    ImgType: ['Document', 'Radiograph', 'Photo', 'File', 'Attachment'],
    ImageCaptureType: ['Miscellaneous', 'PrimaryInsFront', 'PrimaryInsBack', 'SecondaryInsFront', 'SecondaryInsBack'],
  },
};

/** tinyint columns that hold numbers, not flags (every other enum-less tinyint is a boolean). */
const NUMERIC_TINYINT = new Set([
  'patient.SchedDayOfWeek', 'patient.CanadianEligibilityCode', 'insplan.DentaideCardSequence', 'insplan.MonthRenew',
  'patplan.Ordinal', 'carrier.CanadianEncryptionMethod', 'carrier.TrustedEtransFlags', 'document.ChartLetterStatus',
]);

/** Columns never sent (integrity hashes; file bytes are fetched with DownloadSftp, §1.5). */
const HIDDEN = new Set(['SecurityHash', 'RawBase64', 'Thumbnail', 'Signature', 'ChartLetterHash']);

/** A string as the API writes it: carriage returns come out as spaces (§1.2). */
export function apiText(value: string): string {
  return value.replace(/\r\n|\r|\n/g, ' ');
}

/** OpenDental stores colors as a signed ARGB int; the API writes "R,G,B". */
export function rgb(value: unknown): string {
  const v = Number(value) | 0;
  return `${(v >> 16) & 255},${(v >> 8) & 255},${v & 255}`;
}

/** Every column of a `table` row, in schema order, converted to the API's types. */
export function columnsJson(table: string, row: SqlRow): Record<string, unknown> {
  const columns = OPENDENTAL_COLUMNS[table];
  const types = OPENDENTAL_COLUMN_TYPES[table];
  const enums = API_ENUMS[table] ?? {};
  const out: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    if (HIDDEN.has(column) || !(column in row)) return;
    const value = row[column];
    const names = enums[column];
    if (names) out[column] = names[Number(value)] ?? value;
    else if (types[i].startsWith('tinyint') && !NUMERIC_TINYINT.has(`${table}.${column}`)) out[column] = Number(value) !== 0 ? 'true' : 'false';
    else if (typeof value === 'string' && !/^(date|time)/.test(types[i])) out[column] = apiText(value);
    else out[column] = value;
  });
  return out;
}

/** Copies `source`, inserting `extra` fields right after the named column (the API keeps database order). */
function insertAfter(source: Record<string, unknown>, extras: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    out[key] = value;
    Object.assign(out, extras[key] ?? {});
  }
  return out;
}

const defName = (lk: OfficeLookups, defNum: unknown): string => lk.defs.get(Number(defNum))?.name ?? '';

/** A patient as GET /patients/{PatNum} and /patients/Simple return it (BillingType as its definition name). */
export function patientJson(row: SqlRow, lk: OfficeLookups, serverDateTime?: string): Record<string, unknown> {
  const base = columnsJson('patient', row);
  base.BillingType = defName(lk, row.BillingType);
  const out = insertAfter(base, {
    PriProv: { priProvAbbr: lk.provAbbr.get(Number(row.PriProv)) ?? '' },
    SecProv: { secProvAbbr: lk.provAbbr.get(Number(row.SecProv)) ?? '' },
    ClinicNum: { clinicAbbr: lk.clinicAbbr.get(Number(row.ClinicNum)) ?? '' },
  });
  return serverDateTime ? { ...out, serverDateTime } : out;
}

/** Fields of an appointment, in the order of the documented JSON (§1.6). */
const APPOINTMENT_FIELDS = [
  'serverDateTime', 'AptNum', 'PatNum', 'AptStatus', 'Pattern', 'Confirmed', 'confirmed', 'TimeLocked', 'Op', 'Note', 'ProvNum',
  'provAbbr', 'ProvHyg', 'AptDateTime', 'NextAptNum', 'UnschedStatus', 'unschedStatus', 'IsNewPatient', 'ProcDescript', 'ClinicNum',
  'IsHygiene', 'DateTStamp', 'DateTimeArrived', 'DateTimeSeated', 'DateTimeDismissed', 'InsPlan1', 'InsPlan2', 'DateTimeAskedToArrive',
  'colorOverride', 'AppointmentTypeNum', 'SecUserNumEntry', 'SecDateTEntry', 'Priority', 'PatternSecondary', 'ItemOrderPlanned',
];

/** An appointment as GET /appointments(/{AptNum}) returns it (§1.6); every row carries serverDateTime. */
export function appointmentJson(row: SqlRow, lk: OfficeLookups, serverDateTime: string): Record<string, unknown> {
  const base = columnsJson('appointment', row);
  const all: Record<string, unknown> = {
    ...base, serverDateTime, confirmed: defName(lk, row.Confirmed), provAbbr: lk.provAbbr.get(Number(row.ProvNum)) ?? '',
    unschedStatus: defName(lk, row.UnschedStatus), colorOverride: rgb(row.ColorOverride),
  };
  return Object.fromEntries(APPOINTMENT_FIELDS.map((f) => [f, all[f]]));
}

/** A provider as GET /providers returns it: ProvColor becomes provColor "R,G,B"; serverDateTime unless filtered by clinic. */
export function providerJson(row: SqlRow, serverDateTime: string | null): Record<string, unknown> {
  const { ProvColor: _color, ...base } = columnsJson('provider', row);
  const out = insertAfter(base, { IsSecondary: { provColor: rgb(row.ProvColor) } });
  return serverDateTime ? { ...out, serverDateTime } : out;
}

/** The operatory fields GET /operatories documents (§1.5: no DateTStamp), with operatoryType as text. */
export function operatoryJson(row: SqlRow, lk: OfficeLookups): Record<string, unknown> {
  const base = columnsJson('operatory', row);
  const fields = ['OperatoryNum', 'OpName', 'Abbrev', 'ItemOrder', 'IsHidden', 'ProvDentist', 'ProvHygienist', 'IsHygiene', 'ClinicNum', 'SetProspective', 'IsWebSched', 'OperatoryType'];
  return { ...Object.fromEntries(fields.map((f) => [f, base[f]])), operatoryType: defName(lk, row.OperatoryType) };
}
