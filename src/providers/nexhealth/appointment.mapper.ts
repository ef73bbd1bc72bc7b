import { CanonicalRecord, RecordIssue } from '../provider-adapter';
import { idOf, str } from './patient.mapper';

const localFormats = new Map<string, Intl.DateTimeFormat>();

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
function status(row: Record<string, unknown>): { status: string; sourceStatus: string } {
  if (row.cancelled === true) return { status: 'cancelled', sourceStatus: 'cancelled' };
  if (row.patient_missed === true) return { status: 'noshow', sourceStatus: 'patient_missed' };
  if (row.checked_out === true) return { status: 'fulfilled', sourceStatus: 'checked_out' };
  if (str(row.checkin_at)) return { status: 'arrived', sourceStatus: 'checked_in' };
  return { status: 'booked', sourceStatus: row.confirmed === true ? 'confirmed' : 'unconfirmed' };
}

/**
 * Maps a NexHealth appointment (§3 Appointment object) to a canonical appointment with the
 * fields of the OpenDental mapper (opendental-shared/appointment.mapper.ts):
 * - `status` FHIR-flavoured: cancelled, noshow (patient_missed), fulfilled (checked_out), arrived (checkin_at), booked;
 * - `start`/`end` UTC instants; `localStart` the wall time in the appointment's `timezone`; `durationMinutes` from both;
 * - `locationExternalId` = operatory_id (operatories are our `locations`, as OpenDental's), `clinicExternalId` = location_id;
 * - `confirmation` confirmed/unconfirmed; `priority` asap when sooner_if_possible; `arrivedAt` = checkin_at, `dismissedAt` = checked_out_at.
 * Blocked time (`unavailable: true`, no patient) is not a visit: skipped with reason `unavailable`, as OpenDental's PtNote rows are.
 */
export function mapNexAppointment(row: Record<string, unknown>): CanonicalRecord | RecordIssue {
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
  return {
    externalId,
    sourceUpdatedAt: str(row.updated_at),
    patientExternalId,
    data: {
      patientExternalId,
      status: state.status,
      sourceStatus: state.sourceStatus,
      start,
      end,
      localStart: localTime(start, timeZone),
      timeZone,
      durationMinutes,
      pattern: null,
      providerExternalId: idOf(row.provider_id),
      hygienistExternalId: null,
      locationExternalId: idOf(row.operatory_id),
      clinicExternalId: idOf(row.location_id),
      appointmentTypeExternalId: idOf(row.appointment_type_id),
      confirmationExternalId: null,
      confirmation: row.confirmed === true ? 'confirmed' : 'unconfirmed',
      note: str(row.note)?.replace(/\r\n|\r|\n/g, ' ') ?? null,
      procedureDescription: null,
      isNewPatient: row.is_new_clients_patient === true,
      isHygiene: false,
      priority: row.sooner_if_possible === true ? 'asap' : 'normal',
      arrivedAt: instant(row.checkin_at),
      seatedAt: null,
      dismissedAt: instant(row.checked_out_at),
      cancelledAt: instant(row.cancelled_at),
      foreignId: str(row.foreign_id),
      foreignIdType: str(row.foreign_id_type),
    },
    raw: { ...row },
    index: { startsAt: start, status: state.status },
  };
}
