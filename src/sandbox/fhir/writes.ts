import { randomBytes } from 'node:crypto';
import type { Bundle, FhirResource } from '../../providers/fhir/fhir-types';
import { dateFilters } from './filters';
import { FhirSandboxError } from './fhir-error';
import type { FhirTenant } from './fhir-sandbox.service';

/** Weekday slots generated per room location: 30 minutes each, 15:00–21:30 UTC, for 21 days from today. */
const SLOT_LOCATIONS = ['loc-2', 'loc-3'];

/** The tenant's Slots (Oracle Health Slot read/search/patch, FHIR-R4.md §5), generated on first use. */
export function slotsOf(t: FhirTenant): Map<string, FhirResource> {
  if (t.slots.size) return t.slots;
  const day0 = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  for (let d = 1; d <= 21; d++) {
    const day = day0 + d * 86_400_000;
    if ([0, 6].includes(new Date(day).getUTCDay())) continue;
    for (const loc of SLOT_LOCATIONS) {
      for (let m = 15 * 60; m < 22 * 60; m += 30) {
        const start = new Date(day + m * 60_000);
        const id = `slot-${loc}-${start.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`;
        t.slots.set(id, {
          resourceType: 'Slot', id, meta: { versionId: '1', lastUpdated: new Date().toISOString() }, schedule: { reference: `Schedule/sch-${loc}` },
          status: 'free', start: start.toISOString(), end: new Date(start.getTime() + 30 * 60_000).toISOString(),
        });
      }
    }
  }
  return t.slots;
}

/** `Slot?start=ge…&start=lt…[&-location=Location/x,…][&status=free]` (Oracle Health's Slot search parameters). */
export function searchSlots(t: FhirTenant, query: Record<string, string | string[] | undefined>, base: string): Bundle {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const name of Object.keys(query)) if (!['start', '-location', 'status', '_count'].includes(name)) throw new FhirSandboxError(400, 'not-supported', `Search parameter ${name} is not supported on Slot`);
  if (!query.start) throw new FhirSandboxError(400, 'required', 'Slot search requires start');
  const starts = dateFilters('start', list(query.start));
  const locations = new Set(list(query['-location']).flatMap((v) => v.split(',')).map((v) => v.replace(/^Location\//, '')));
  const statuses = new Set(list(query.status).flatMap((v) => v.split(',')));
  const matches = [...slotsOf(t).values()].filter((s) => starts.every((f) => f(Date.parse(s.start as string)))
    && (!locations.size || locations.has(String((s.schedule as { reference: string }).reference).replace('Schedule/sch-', '')))
    && (!statuses.size || statuses.has(s.status as string)));
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', total: matches.length, link: [{ relation: 'self', url: `${base}/Slot` }] };
  if (matches.length) bundle.entry = matches.slice(0, 500).map((r) => ({ fullUrl: `${base}/Slot/${r.id}`, resource: r, search: { mode: 'match' } }));
  return bundle;
}

function stamp(resource: FhirResource, version: number): FhirResource {
  resource.meta = { versionId: String(version), lastUpdated: new Date().toISOString() };
  return resource;
}

/** `POST Patient`: a name and a birth date required; a new id, version 1. @throws FhirSandboxError 422. */
export function createPatient(t: FhirTenant, body: FhirResource): FhirResource {
  if (body?.resourceType !== 'Patient') throw new FhirSandboxError(400, 'invalid', 'Body must be a Patient');
  const names = (body.name as Array<{ family?: string }> | undefined) ?? [];
  if (!names.some((n) => n.family) || typeof body.birthDate !== 'string') throw new FhirSandboxError(422, 'required', 'Patient.name.family and Patient.birthDate are required');
  const created = stamp({ ...body, id: `pat-w${randomBytes(4).toString('hex')}` }, 1);
  t.data.Patient.set(created.id!, created);
  return created;
}

/**
 * `POST Appointment` as Oracle Health books (FHIR-R4.md §5, op-appointment-post): `status` booked,
 * exactly one `slot` reference to a free Slot, one patient participant with status accepted and
 * no participant `type`. Start, end and location come from the slot, which becomes busy.
 * @throws FhirSandboxError 422 naming the broken rule; 409 when the slot is taken.
 */
export function createAppointment(t: FhirTenant, body: FhirResource): FhirResource {
  if (body?.resourceType !== 'Appointment') throw new FhirSandboxError(400, 'invalid', 'Body must be an Appointment');
  if (body.status !== 'booked') throw new FhirSandboxError(422, 'business-rule', 'Only status booked can be created with a slot');
  const slots = (body.slot as Array<{ reference?: string }> | undefined) ?? [];
  if (slots.length !== 1) throw new FhirSandboxError(422, 'business-rule', 'Exactly one slot reference is required');
  const slot = slotsOf(t).get(String(slots[0].reference).replace('Slot/', ''));
  if (!slot) throw new FhirSandboxError(422, 'business-rule', 'The slot does not exist');
  const participants = (body.participant as Array<{ actor?: { reference?: string }; status?: string; type?: unknown }> | undefined) ?? [];
  const patients = participants.filter((p) => p.actor?.reference?.startsWith('Patient/'));
  if (patients.length !== 1 || patients[0].status !== 'accepted' || participants.some((p) => p.type)) {
    throw new FhirSandboxError(422, 'business-rule', 'Exactly one patient participant with status accepted and no participant type is required');
  }
  if (!t.data.Patient.has(patients[0].actor!.reference!.slice('Patient/'.length))) throw new FhirSandboxError(422, 'business-rule', 'The patient does not exist');
  if (slot.status !== 'free') throw new FhirSandboxError(409, 'conflict', 'The slot is not free');
  slot.status = 'busy';
  stamp(slot, Number(slot.meta?.versionId ?? '1') + 1);
  const location = String((slot.schedule as { reference: string }).reference).replace('Schedule/sch-', 'Location/');
  const created = stamp({
    ...body, id: `appt-w${randomBytes(4).toString('hex')}`, start: slot.start, end: slot.end,
    minutesDuration: Math.round((Date.parse(slot.end as string) - Date.parse(slot.start as string)) / 60_000),
    participant: [...participants, { actor: { reference: location }, status: 'accepted' }],
  }, 1);
  t.data.Appointment.set(created.id!, created);
  return created;
}

const TRANSITIONS: Record<string, string[]> = { proposed: ['booked', 'cancelled'], booked: ['arrived', 'checked-in', 'cancelled'], arrived: ['checked-in', 'fulfilled'], 'checked-in': ['fulfilled'] };

/**
 * `PATCH Appointment/{id}` with a JSON Patch replacing `/status` (op-appointment-id-patch): `If-Match`
 * required (412 without), a stale version answers 409; only Oracle Health's transitions
 * (proposed → booked/cancelled, booked → arrived/checked-in/cancelled…). Cancelling frees the slot.
 * @throws FhirSandboxError 404, 409, 412, 422.
 */
export function patchAppointment(t: FhirTenant, id: string, ifMatch: string | undefined, ops: unknown): FhirResource {
  const appointment = t.data.Appointment.get(id);
  if (!appointment) throw new FhirSandboxError(404, 'not-found', `Appointment/${id.slice(0, 64)} not found`);
  if (!ifMatch) throw new FhirSandboxError(412, 'business-rule', 'If-Match is required');
  if (ifMatch !== `W/"${appointment.meta?.versionId}"`) throw new FhirSandboxError(409, 'conflict', 'The appointment was changed since that version');
  const list = Array.isArray(ops) ? (ops as Array<{ op?: string; path?: string; value?: unknown }>) : [];
  const status = list.find((o) => o.op === 'replace' && o.path === '/status')?.value;
  if (list.length !== 1 || typeof status !== 'string') throw new FhirSandboxError(422, 'not-supported', 'Only a replace of /status is supported');
  if (!(TRANSITIONS[appointment.status as string] ?? []).includes(status)) throw new FhirSandboxError(422, 'business-rule', `No transition from ${String(appointment.status)} to ${status}`);
  appointment.status = status;
  if (status === 'cancelled') {
    for (const ref of (appointment.slot as Array<{ reference?: string }> | undefined) ?? []) {
      const slot = slotsOf(t).get(String(ref.reference).replace('Slot/', ''));
      if (slot) slot.status = 'free';
    }
  }
  return stamp(appointment, Number(appointment.meta?.versionId ?? '1') + 1);
}
