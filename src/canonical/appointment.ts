import type { RecordLink } from './datatypes';
import type { AppointmentStatus, ParticipantType, ParticipationStatus } from './value-sets';

/** One participant of an appointment (FHIR Appointment.participant): a patient, a provider or a location. */
export interface AppointmentParticipant {
  resourceType: 'patients' | 'providers' | 'locations';
  link: RecordLink;
  /** PPRF primary performer (the dentist), SPRF secondary performer (the hygienist), PART the patient, LOC the room. */
  type: ParticipantType;
  status: ParticipationStatus;
}

/** A canonical appointment, after FHIR R4 Appointment (http://hl7.org/fhir/R4/appointment.html). */
export interface Appointment {
  status: AppointmentStatus | null;
  /** The vendor's own status code, verbatim (OpenDental AptStatus name, NexHealth state). */
  sourceStatus: string | null;
  /** Start and end as UTC instants (`2026-12-01T15:00:00.000Z`). */
  start: string | null;
  end: string | null;
  durationMinutes: number | null;
  /** The office's IANA time zone the start was read in, and the office-local start (`yyyy-MM-ddTHH:mm:ss`). */
  timeZone: string | null;
  localStart: string | null;
  participants: AppointmentParticipant[];
  /** Shortcuts into `participants`: the patient, the primary provider, the room. */
  patient: RecordLink | null;
  provider: RecordLink | null;
  location: RecordLink | null;
  /** The vendor's appointment type key, and its free-text confirmation status. */
  appointmentType: RecordLink | null;
  confirmation: 'confirmed' | 'unconfirmed' | null;
  /** The vendor's confirmation code, verbatim (OpenDental's Confirmed definition). */
  sourceConfirmation: string | null;
  /** Free text: the appointment note and the planned procedures. */
  comment: string | null;
  description: string | null;
  isNewPatient: boolean | null;
  /** `asap`: the patient wants an earlier time if one opens. */
  priority: 'normal' | 'asap';
  arrivedAt: string | null;
  dismissedAt: string | null;
  cancelledAt: string | null;
}
