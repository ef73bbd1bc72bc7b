import { CanonicalRecord, RecordIssue } from '../provider-adapter';

/**
 * Inputs and results of the write operations of the `opendental-api` adapter. Inputs use
 * OpenDental's own field names (§1.5, [OD-PAT], [OD-APPT]) so the actions module can pass
 * payloads through; booleans are plain booleans here and sent as "true"/"false".
 */

/** POST /patients. LName and FName are required; the duplicate check uses LName, FName, Birthdate and Email or a phone. */
export interface OdPatientCreate {
  LName: string;
  FName: string;
  MiddleI?: string;
  Preferred?: string;
  /** `yyyy-MM-dd`. */
  Birthdate?: string;
  Gender?: 'Male' | 'Female' | 'Unknown';
  Email?: string;
  WirelessPhone?: string;
  HmPhone?: string;
  WkPhone?: string;
  Address?: string;
  Address2?: string;
  City?: string;
  State?: string;
  /** 12345, 12345-1234, 123456789 or A0A 0A0. */
  Zip?: string;
  PatStatus?: 'Patient' | 'NonPatient' | 'Inactive' | 'Archived' | 'Deceased' | 'Prospective';
  Position?: 'Single' | 'Married' | 'Child' | 'Widowed' | 'Divorced';
  ClinicNum?: number;
  PriProv?: number;
  SecProv?: number;
  Language?: string;
  TxtMsgOk?: 'Unknown' | 'Yes' | 'No';
}

/** POST /appointments. PatNum, Op and AptDateTime are required. */
export interface OdAppointmentCreate {
  PatNum: number;
  Op: number;
  /** Office-local `yyyy-MM-dd HH:mm:ss`, or an ISO instant with an offset (converted with the integration's timeZone). */
  AptDateTime: string;
  /** One character per 5 minutes (X provider, / assistant); default "/XX/" (20 minutes). */
  Pattern?: string;
  /** Default: the patient's primary provider. */
  ProvNum?: number;
  ProvHyg?: number;
  ClinicNum?: number;
  AppointmentTypeNum?: number;
  Note?: string;
  IsHygiene?: boolean;
  IsNewPatient?: boolean;
  Priority?: 'Normal' | 'ASAP';
  /** An ApptConfirmed definition (DefNum); default the first one. */
  Confirmed?: number;
  AptStatus?: 'Scheduled' | 'UnschedList' | 'Planned';
}

/** PUT /appointments/{AptNum}/Break. */
export interface OdBreakOptions {
  /** true: the appointment goes to the Unscheduled List; false: it stays Broken. */
  sendToUnscheduledList: boolean;
  /** Missed adds D9986, Cancelled D9987 (when the office's preference is set). */
  breakType?: 'Missed' | 'Cancelled';
}

/** PUT /appointments/{AptNum}/Confirm: exactly one of an eConfirmation value or an ApptConfirmed DefNum. */
export type OdConfirmation = { confirmVal: 'None' | 'Sent' | 'Confirmed' | 'Not Accepted' | 'Failed' } | { defNum: number };

/** GET /appointments/Slots. Dates `yyyy-MM-dd`, today or later; default the next 14 days and the practice default provider. */
export interface OdSlotQuery {
  date?: string;
  dateStart?: string;
  dateEnd?: string;
  lengthMinutes?: number;
  ProvNum?: number;
  OpNum?: number;
}

/** GET /appointments filters (dates `yyyy-MM-dd`, inclusive). */
export interface OdAppointmentQuery {
  PatNum?: number;
  AptStatus?: 'Scheduled' | 'Complete' | 'UnschedList' | 'ASAP' | 'Broken' | 'Planned' | 'PtNote' | 'PtNoteCompleted';
  Op?: number;
  date?: string;
  dateStart?: string;
  dateEnd?: string;
  ClinicNum?: number;
}

/** A patient as OpenDental answered it, mapped by the shared mapper (birth date not required). */
export interface PatientResult {
  patNum: number;
  record: CanonicalRecord<'patients'>;
  /** OpenDental's JSON. */
  vendor: Record<string, unknown>;
  /** POST found an existing patient (same LName, FName, Birthdate and Email or phone): nothing was created. */
  duplicate?: boolean;
  /** The POST's answer was lost (timeout, 5xx) and the patient was found by a search afterwards. */
  recovered?: boolean;
}

/** An appointment as OpenDental answered it. PtNote rows map to `skipped` (they are notes, not visits). */
export interface AppointmentResult {
  aptNum: number;
  record: CanonicalRecord<'appointments'> | null;
  skipped?: RecordIssue;
  vendor: Record<string, unknown>;
  /** The POST's answer was lost and the booking was found by a search afterwards. */
  recovered?: boolean;
}

/** An open block from GET /appointments/Slots, with instants in UTC and the office-local times. */
export interface Slot {
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  /** Office-local day, `yyyy-MM-dd`. */
  date: string;
  durationMinutes: number;
  providerExternalId: string;
  locationExternalId: string;
}
