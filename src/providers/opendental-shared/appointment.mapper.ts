import { AppointmentParticipant, AppointmentStatus, link } from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { APT_STATUS, PRIORITY, enumName, odBool } from './enums';
import { fk, localToInstant, odDateTime, oneLine, text } from './values';

/**
 * Canonical appointment status as a FHIR Appointment.status code. OpenDental's own name is kept
 * in `sourceStatus`. Broken appointments are `cancelled` (OpenDental does not say whether the
 * patient cancelled or missed; a Break's breakType is recorded only as a procedure).
 */
const STATUS: Partial<Record<string, AppointmentStatus>> = {
  Scheduled: 'booked', Complete: 'fulfilled', UnschedList: 'waitlist', ASAP: 'waitlist',
  Broken: 'cancelled', Planned: 'proposed', None: 'proposed',
};

/**
 * Our confirmed/unconfirmed from the ApptConfirmed definition's name (practices name them:
 * "Appointment Confirmed", "Unconfirmed", "Not Called", "Left Message"…): a name saying
 * "confirmed" without a negation is `confirmed`, any other name `unconfirmed`, none null.
 */
export function confirmationOf(name: string | null): 'confirmed' | 'unconfirmed' | null {
  if (!name) return null;
  const lower = name.toLowerCase();
  return lower.includes('confirmed') && !lower.includes('unconfirmed') && !lower.includes('not ') ? 'confirmed' : 'unconfirmed';
}

function participant(resourceType: AppointmentParticipant['resourceType'], type: AppointmentParticipant['type'], externalId: string | null): AppointmentParticipant[] {
  return externalId ? [{ resourceType, link: { externalId }, type, status: 'accepted' }] : [];
}

/**
 * Maps an OpenDental `appointment` row (§1.6 / schema §2) to a canonical `Appointment`
 * (FHIR R4 Appointment): `start` is AptDateTime read in the office's `timeZone`;
 * `durationMinutes` = len(Pattern) × 5; participants: the patient (PART), ProvNum (PPRF),
 * ProvHyg (SPRF), the operatory Op (LOC, our `locations`); `confirmation` from the
 * ApptConfirmed definition name (`confirmed`, kept verbatim in `sourceConfirmation`).
 * DateTimeArrived / DateTimeDismissed become instants in `timeZone`.
 * PtNote / PtNoteCompleted rows are patient notes drawn on the schedule, not visits: they are
 * skipped with reason `patient_note`.
 */
export function mapAppointment(row: Record<string, unknown>, timeZone: string): CanonicalRecord<'appointments'> | RecordIssue {
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
  const patientExternalId = fk(row.PatNum);
  const providerExternalId = fk(row.ProvNum);
  const operatoryExternalId = fk(row.Op);
  const sourceConfirmation = text(row.confirmed);
  return {
    externalId,
    sourceUpdatedAt: text(row.DateTStamp),
    patientExternalId,
    data: {
      status,
      sourceStatus: statusName,
      start,
      end,
      durationMinutes,
      timeZone,
      localStart,
      participants: [
        ...participant('patients', 'PART', patientExternalId),
        ...participant('providers', 'PPRF', providerExternalId),
        ...participant('providers', 'SPRF', fk(row.ProvHyg)),
        ...participant('locations', 'LOC', operatoryExternalId),
      ],
      patient: link(patientExternalId),
      provider: link(providerExternalId),
      location: link(operatoryExternalId),
      appointmentType: link(fk(row.AppointmentTypeNum)),
      confirmation: confirmationOf(sourceConfirmation),
      sourceConfirmation,
      comment: oneLine(row.Note),
      description: oneLine(row.ProcDescript),
      isNewPatient: odBool(row.IsNewPatient),
      priority: enumName(PRIORITY, row.Priority) === 'ASAP' ? 'asap' : 'normal',
      arrivedAt: localToInstant(odDateTime(row.DateTimeArrived), timeZone),
      dismissedAt: localToInstant(odDateTime(row.DateTimeDismissed), timeZone),
      cancelledAt: null,
    },
    raw: { ...row },
    index: { startsAt: start, status },
  };
}
