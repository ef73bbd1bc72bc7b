import {
  Appointment, APPOINTMENT_STATUS, AppointmentParticipant, AppointmentStatus, PARTICIPATION_STATUS, ParticipantType, ParticipationStatus, RecordLink,
} from '../../../canonical';
import type { FhirResource } from '../fhir-types';
import { conceptCode, instant, objs, refParts, str } from './elements';
import { FhirMapped, lastUpdated, MapOptions, rawCopy } from './resource';

/** v3-ParticipationType codes that mark the performing practitioner (primary performer, attender, participant). */
const PERFORMER_CODES = new Set(['PPRF', 'ATND', 'PART']);

function participantType(participant: Record<string, unknown>, resourceType: AppointmentParticipant['resourceType']): ParticipantType {
  if (resourceType === 'patients') return 'PART';
  if (resourceType === 'locations') return 'LOC';
  const codes = objs(participant.type).map((t) => conceptCode(t));
  return codes.includes('SPRF') ? 'SPRF' : 'PPRF';
}

/**
 * FHIR R4 Appointment (http://hl7.org/fhir/R4/appointment.html) → canonical appointment:
 * - `status` kept as the FHIR code and in `sourceStatus`; `entered-in-error` marks the record deleted;
 * - participants: `Patient/…` → patient, `Practitioner/…` → provider (the first typed PPRF/ATND/PART,
 *   else the first practitioner), `Location/…` → location; RecordLink ids are FHIR logical ids;
 *   `PractitionerRole`, `HealthcareService` and display-only actors are left out;
 * - `start`/`end` as UTC instants; `durationMinutes` = `minutesDuration`, else end − start.
 */
export function mapFhirAppointment(resource: FhirResource, _options: MapOptions = {}): FhirMapped<'appointments'> {
  const participants: AppointmentParticipant[] = [];
  let provider: RecordLink | null = null;
  let firstPractitioner: RecordLink | null = null;
  for (const p of objs(resource.participant)) {
    const ref = refParts(p.actor);
    const resourceType = ref?.type === 'Patient' ? 'patients' : ref?.type === 'Practitioner' ? 'providers' : ref?.type === 'Location' ? 'locations' : null;
    if (!ref || !resourceType) continue;
    const status = str(p.status);
    const entry: AppointmentParticipant = {
      resourceType, link: { externalId: ref.id }, type: participantType(p, resourceType),
      status: status && (PARTICIPATION_STATUS as readonly string[]).includes(status) ? (status as ParticipationStatus) : 'accepted',
    };
    participants.push(entry);
    if (resourceType === 'providers') {
      firstPractitioner = firstPractitioner ?? entry.link;
      if (!provider && objs(p.type).some((t) => PERFORMER_CODES.has(conceptCode(t) ?? ''))) provider = entry.link;
    }
  }
  const statusCode = str(resource.status);
  const status = statusCode && (APPOINTMENT_STATUS as readonly string[]).includes(statusCode) ? (statusCode as AppointmentStatus) : null;
  const start = instant(resource.start);
  const end = instant(resource.end);
  const minutes = typeof resource.minutesDuration === 'number' ? resource.minutesDuration : start && end && start.includes('T') ? Math.round((Date.parse(end) - Date.parse(start)) / 60_000) : null;
  const patient = participants.find((p) => p.resourceType === 'patients')?.link ?? null;
  const typeCode = conceptCode(resource.appointmentType);
  const data: Appointment = {
    status, sourceStatus: statusCode, start, end, durationMinutes: minutes, timeZone: null, localStart: null, participants,
    patient, provider: provider ?? firstPractitioner, location: participants.find((p) => p.resourceType === 'locations')?.link ?? null,
    appointmentType: typeCode ? { externalId: typeCode } : null, confirmation: null, sourceConfirmation: null,
    comment: str(resource.comment), description: str(resource.description), isNewPatient: null, priority: 'normal',
    arrivedAt: null, dismissedAt: null, cancelledAt: null,
  };
  return {
    externalId: String(resource.id), data, deleted: status === 'entered-in-error', raw: rawCopy(resource), sourceUpdatedAt: lastUpdated(resource),
    patientExternalId: patient?.externalId ?? null, index: { startsAt: start, status },
  };
}
