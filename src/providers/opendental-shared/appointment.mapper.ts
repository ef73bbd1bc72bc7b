import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { APT_STATUS, PRIORITY, enumName, odBool } from './enums';
import { fk, localToInstant, odDateTime, oneLine, text } from './values';

/**
 * Canonical appointment status as a FHIR Appointment.status code. OpenDental's own name is kept
 * in `sourceStatus`. Broken appointments are `cancelled` (OpenDental does not say whether the
 * patient cancelled or missed; a Break's breakType is recorded only as a procedure).
 */
const STATUS: Partial<Record<string, string>> = {
  Scheduled: 'booked', Complete: 'fulfilled', UnschedList: 'waitlist', ASAP: 'waitlist',
  Broken: 'cancelled', Planned: 'proposed', None: 'proposed',
};

/**
 * Maps an OpenDental `appointment` row (§1.6 / schema §2) to a canonical appointment:
 * `start` is AptDateTime read in the office's `timeZone`; `durationMinutes` = len(Pattern) × 5;
 * provider, hygienist, operatory (our `location`) and clinic keep OpenDental keys as external ids.
 * PtNote / PtNoteCompleted rows are patient notes drawn on the schedule, not visits: they are
 * skipped with reason `patient_note`.
 */
export function mapAppointment(row: Record<string, unknown>, timeZone: string): CanonicalRecord | RecordIssue {
  const externalId = String(row.AptNum);
  const statusName = enumName(APT_STATUS, row.AptStatus);
  if (statusName === 'PtNote' || statusName === 'PtNoteCompleted') {
    return { externalId, code: 'patient_note', message: 'Appointment row is a patient note (PtNote), not a visit' };
  }
  const localStart = odDateTime(row.AptDateTime);
  const start = localToInstant(localStart, timeZone);
  const pattern = String(row.Pattern ?? '');
  const durationMinutes = pattern.length * 5;
  const end = start ? new Date(Date.parse(start) + durationMinutes * 60000).toISOString() : null;
  const status = statusName ? STATUS[statusName] ?? null : null;
  return {
    externalId,
    sourceUpdatedAt: text(row.DateTStamp),
    patientExternalId: fk(row.PatNum),
    data: {
      patientExternalId: fk(row.PatNum),
      status,
      sourceStatus: statusName,
      start,
      end,
      localStart,
      timeZone,
      durationMinutes,
      pattern: text(row.Pattern),
      providerExternalId: fk(row.ProvNum),
      hygienistExternalId: fk(row.ProvHyg),
      locationExternalId: fk(row.Op),
      clinicExternalId: fk(row.ClinicNum),
      appointmentTypeExternalId: fk(row.AppointmentTypeNum),
      confirmationExternalId: fk(row.Confirmed),
      confirmation: text(row.confirmed),
      note: oneLine(row.Note),
      procedureDescription: oneLine(row.ProcDescript),
      isNewPatient: odBool(row.IsNewPatient),
      isHygiene: odBool(row.IsHygiene),
      priority: enumName(PRIORITY, row.Priority) === 'ASAP' ? 'asap' : 'normal',
      arrivedAt: odDateTime(row.DateTimeArrived),
      seatedAt: odDateTime(row.DateTimeSeated),
      dismissedAt: odDateTime(row.DateTimeDismissed),
    },
    raw: { ...row },
    index: { startsAt: start, status },
  };
}
