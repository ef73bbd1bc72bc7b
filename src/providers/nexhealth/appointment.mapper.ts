import { AppointmentParticipant, AppointmentStatus, link } from '../../canonical';
import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { idOf, str } from './patient.mapper';

const localFormats = new Map<string, Intl.DateTimeFormat>();
const LINE_BREAKS = /\r\n|\r|\n/g;

/** `yyyy-MM-ddTHH:mm:ss` wall time of an instant in an IANA zone (null for an unknown zone or instant). */
export function localTime(instant: string | null, timeZone: string | null): string | null {
  if (!instant || !timeZone) return null;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return null;
  let format = localFormats.get(timeZone);
  try {
    format ??= new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    return null;
  }
  localFormats.set(timeZone, format);
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

function instant(value: unknown): string | null {
  const s = str(value);
  if (!s) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** FHIR Appointment.status from NexHealth's flags, and NexHealth's own state in `sourceStatus`. */
function status(row: Record<string, unknown>): { status: AppointmentStatus; sourceStatus: string } {
  if (row.cancelled === true) return { status: 'cancelled', sourceStatus: 'cancelled' };
  if (row.patient_missed === true) return { status: 'noshow', sourceStatus: 'patient_missed' };
  if (row.checked_out === true) return { status: 'fulfilled', sourceStatus: 'checked_out' };
  if (str(row.checkin_at)) return { status: 'arrived', sourceStatus: 'checked_in' };
  return { status: 'booked', sourceStatus: row.confirmed === true ? 'confirmed' : 'unconfirmed' };
}

function participant(resourceType: AppointmentParticipant['resourceType'], type: AppointmentParticipant['type'], externalId: string | null): AppointmentParticipant[] {
  return externalId ? [{ resourceType, link: { externalId }, type, status: 'accepted' }] : [];
}

/**
 * Maps a NexHealth appointment (§3 Appointment object) to a canonical `Appointment`
 * (src/canonical/appointment.ts), the shape every vendor produces:
 * - `status` FHIR: cancelled, noshow (patient_missed), fulfilled (checked_out), arrived (checkin_at), booked;
 * - `start`/`end` UTC instants; `localStart` the wall time in the appointment's `timezone`; `durationMinutes` from both;
 * - participants: patient_id (PART), provider_id (PPRF), operatory_id (LOC: operatories are our `locations`);
 *   location_id (the NexHealth site) stays in `raw`;
 * - `confirmation` from `confirmed`; `priority` asap when sooner_if_possible; `arrivedAt` = checkin_at,
 *   `dismissedAt` = checked_out_at, `cancelledAt` = cancelled_at; `comment` = note on one line.
 * Blocked time (`unavailable: true`, no patient) is not a visit: skipped with reason `unavailable`, as OpenDental's PtNote rows are.
 */
export function mapNexAppointment(row: Record<string, unknown>): CanonicalRecord<'appointments'> | RecordIssue {
  const externalId = String(row.id);
  if (row.unavailable === true && (row.patient_id === null || row.patient_id === undefined)) {
    return { externalId, code: 'unavailable', message: 'Appointment row is blocked time (unavailable), not a visit' };
  }
  const start = instant(row.start_time);
  const end = instant(row.end_time);
  const timeZone = str(row.timezone);
  const durationMinutes = start && end ? Math.round((Date.parse(end) - Date.parse(start)) / 60000) : null;
  const state = status(row);
  const patientExternalId = idOf(row.patient_id);
  const providerExternalId = idOf(row.provider_id);
  const operatoryExternalId = idOf(row.operatory_id);
  return {
    externalId,
    sourceUpdatedAt: str(row.updated_at),
    patientExternalId,
    data: {
      status: state.status,
      sourceStatus: state.sourceStatus,
      start,
      end,
      durationMinutes,
      timeZone,
      localStart: localTime(start, timeZone),
      participants: [
        ...participant('patients', 'PART', patientExternalId),
        ...participant('providers', 'PPRF', providerExternalId),
        ...participant('locations', 'LOC', operatoryExternalId),
      ],
      patient: link(patientExternalId),
      provider: link(providerExternalId),
      location: link(operatoryExternalId),
      appointmentType: link(idOf(row.appointment_type_id)),
      confirmation: row.confirmed === true ? 'confirmed' : 'unconfirmed',
      sourceConfirmation: null,
      comment: str(row.note)?.replace(LINE_BREAKS, ' ') ?? null,
      description: null,
      isNewPatient: row.is_new_clients_patient === true,
      priority: row.sooner_if_possible === true ? 'asap' : 'normal',
      arrivedAt: instant(row.checkin_at),
      dismissedAt: instant(row.checked_out_at),
      cancelledAt: instant(row.cancelled_at),
    },
    raw: { ...row },
    index: { startsAt: start, status: state.status },
  };
}
