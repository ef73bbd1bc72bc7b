import type { Appointment, AppointmentStatus } from '../../../canonical';
import { APPOINTMENT_STATUS, PARTICIPANT_TYPE, PARTICIPATION_STATUS } from '../../../canonical';
import type { Converter } from './converter';
import { arr, code, compact, concept, FhirObject, instant, str } from './datatypes';

const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

/** Statuses that may lack start and end (FHIR R4 invariant app-3). */
const OPEN_ENDED: readonly AppointmentStatus[] = ['proposed', 'cancelled', 'waitlist'];

/**
 * Canonical appointment → FHIR R4 Appointment (http://hl7.org/fhir/R4/appointment.html).
 * Invariants kept: app-2/app-3 (start and end together; only proposed, cancelled and waitlist
 * may lack them: `end` is start + durationMinutes when the source gave no end, and an
 * appointment that still has no times and another status is served as `proposed`, with the
 * source's own code in `sourceStatus` of the REST API). A missing status is served as `proposed`.
 * Participants: the patient by `records.patient_id`, providers and rooms by our ids where stored;
 * at least one participant (cardinality 1..*): the patient, else a PART participant without actor.
 */
export const appointmentConverter: Converter<Appointment> = {
  links: (d) => arr(d.participants)
    .filter((p) => p?.link?.externalId && ['patients', 'providers', 'locations'].includes(p.resourceType))
    .map((p) => ({ resource: p.resourceType, externalId: p.link.externalId })),
  toFhir(d, ctx) {
    const start = instant(d.start);
    let end = instant(d.end);
    if (start && !end && d.durationMinutes && d.durationMinutes > 0) end = new Date(Date.parse(start) + d.durationMinutes * 60_000).toISOString();
    const timed = !!start && !!end && Date.parse(end) >= Date.parse(start);
    let status: AppointmentStatus = code(APPOINTMENT_STATUS, d.status) ?? 'proposed';
    if (!timed && !OPEN_ENDED.includes(status)) status = 'proposed';

    const participant: FhirObject[] = [];
    let hasPatient = false;
    for (const p of arr(d.participants)) {
      if (!p?.link?.externalId || !['patients', 'providers', 'locations'].includes(p.resourceType)) continue;
      const actor = p.resourceType === 'patients' ? ctx.patientRef(p.link) : ctx.ref(p.resourceType, p.link);
      if (p.resourceType === 'patients') hasPatient = true;
      participant.push(compact({ type: code(PARTICIPANT_TYPE, p.type) ? [concept(PARTICIPATION_TYPE, p.type) as FhirObject] : undefined, actor, status: code(PARTICIPATION_STATUS, p.status) ?? 'needs-action' }) as FhirObject);
    }
    if (!hasPatient) {
      const actor = ctx.patientRef(d.patient);
      participant.unshift(compact({ type: [concept(PARTICIPATION_TYPE, 'PART') as FhirObject], actor, status: 'accepted' }) as FhirObject);
    }
    const minutes = Number.isInteger(d.durationMinutes) && (d.durationMinutes ?? 0) > 0 ? d.durationMinutes ?? undefined : undefined;
    return compact({
      ...ctx.envelope('Appointment'),
      status,
      description: str(d.description),
      start: timed ? start : undefined,
      end: timed ? end : undefined,
      minutesDuration: minutes,
      comment: str(d.comment),
      participant,
    }) as FhirObject;
  },
};
