import { Prng } from '../opendental-db/prng';
import { NexApiError } from './envelope';
import { appointmentFor } from './generator';
import { NexAppointment, NexBio, NexPatient, OPENDENTAL_SOURCE } from './institution';
import { patientJson } from './json';
import { iso } from './reference-data';
import { NexHealthSandbox } from './sandbox-control.service';
import { DeliveryAttempt } from './webhook-dispatcher';

/** What an admin change returns: the row as the API now shows it and the first delivery attempts. */
export interface MutationResult<T> {
  data: T;
  deliveries: DeliveryAttempt[];
}

const PATIENT_FIELDS = ['first_name', 'middle_name', 'last_name', 'email', 'inactive', 'foreign_id', 'preferred_language', 'provider_id', 'guarantor_id', 'billing_type', 'chart_id'] as const;
const APPOINTMENT_FIELDS = ['cancelled', 'confirmed', 'patient_missed', 'note', 'start_time', 'end_time', 'operatory_id', 'provider_id'] as const;

/** A new `updated_at`, strictly later than the previous one (so an inclusive `updated_since` at the old value still sees it). */
function bump(previous: string): string {
  return iso(Math.max(Date.now(), Date.parse(previous) + 1));
}

function pick(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k)));
}

function checkTimes(row: { start_time: string; end_time: string }): void {
  if (Number.isNaN(Date.parse(row.start_time)) || Number.isNaN(Date.parse(row.end_time))) throw NexApiError.badRequest('start_time and end_time must be ISO 8601 date-times');
  if (Date.parse(row.end_time) <= Date.parse(row.start_time)) throw NexApiError.badRequest('end_time must be after start_time');
}

/**
 * Changes a patient as the office would in its EHR: top-level fields (names, email, inactive,
 * foreign_id, …) and any `bio` fields; `name` follows the names. Bumps `updated_at` and
 * delivers `Patient` / `patient_updated` with `data.patients[]`. @throws NexApiError 404/400.
 */
export async function updatePatient(sandbox: NexHealthSandbox, id: number, body: Record<string, unknown>): Promise<MutationResult<Record<string, unknown>>> {
  const patient = sandbox.institution.patients.get(id);
  if (!patient) throw NexApiError.notFound('Patient');
  Object.assign(patient, pick(body, PATIENT_FIELDS));
  if (body.bio && typeof body.bio === 'object') Object.assign(patient.bio, pick(body.bio as Record<string, unknown>, Object.keys(patient.bio)) as Partial<NexBio>);
  patient.name = `${patient.first_name} ${patient.last_name}`;
  patient.updated_at = bump(patient.updated_at);
  patient.last_sync_time = patient.updated_at;
  const data = patientJson(patient);
  const deliveries = await sandbox.deliver({ resource_type: 'Patient', event_name: 'patient_updated', event_time: patient.updated_at, data: { patients: [data] } }, 'patient_updated');
  return { data, deliveries };
}

/** Adds a patient (first_name, last_name required; location_id defaults to the first location) and delivers `patient_created`. @throws NexApiError 400. */
export async function createPatient(sandbox: NexHealthSandbox, body: Record<string, unknown>): Promise<MutationResult<Record<string, unknown>>> {
  const institution = sandbox.institution;
  if (typeof body.first_name !== 'string' || typeof body.last_name !== 'string') throw NexApiError.badRequest('first_name and last_name are required');
  const locationId = Number(body.location_id ?? [...institution.locations.keys()][0]);
  if (!institution.locations.has(locationId)) throw NexApiError.notFound('Location');
  const id = institution.nextId.patient++;
  const now = iso(Date.now());
  const bio: NexBio = {
    city: '', state: '', gender: '', zip_code: '', new_patient: true, non_patient: false, phone_number: '', date_of_birth: null,
    address_line_1: '', address_line_2: '', street_address: '', cell_phone_number: '', home_phone_number: '', work_phone_number: '',
  };
  const patient: NexPatient = {
    id, email: null, first_name: body.first_name, middle_name: null, last_name: body.last_name, name: `${body.first_name} ${body.last_name}`,
    created_at: now, updated_at: now, institution_id: institution.id, foreign_id: null, foreign_id_type: OPENDENTAL_SOURCE, bio,
    inactive: false, last_sync_time: now, guarantor_id: id, billing_type: null, chart_id: null, preferred_language: null, provider_id: null,
    hipaa: { authorization: false, authorization_date: now.slice(0, 10), privacy: false, privacy_date: now.slice(0, 10), consent: false, consent_date: now.slice(0, 10) },
    location_id: locationId,
  };
  Object.assign(patient, pick(body, PATIENT_FIELDS));
  if (body.bio && typeof body.bio === 'object') Object.assign(patient.bio, pick(body.bio as Record<string, unknown>, Object.keys(bio)));
  institution.patients.set(id, patient);
  const data = patientJson(patient);
  const deliveries = await sandbox.deliver({ resource_type: 'Patient', event_name: 'patient_created', event_time: now, data: { patients: [data] } }, 'patient_created');
  return { data, deliveries };
}

/**
 * Books an appointment: `patient_id` and `start_time` required; `end_time` (default +60 min),
 * `provider_id`, `operatory_id`, `note` optional; the location is the patient's. Delivers
 * `Appointment` / `appointment_created` with `data.appointments[]`. @throws NexApiError 400/404.
 */
export async function bookAppointment(sandbox: NexHealthSandbox, body: Record<string, unknown>): Promise<MutationResult<NexAppointment>> {
  const institution = sandbox.institution;
  const patient = institution.patients.get(Number(body.patient_id));
  if (!patient) throw NexApiError.notFound('Patient');
  if (typeof body.start_time !== 'string') throw NexApiError.badRequest('start_time is required');
  const id = institution.nextId.appointment++;
  const template = appointmentFor(new Prng(id, 'nex-admin-appointment'), id, patient, institution, Date.now(), patient.location_id);
  const now = iso(Date.now());
  const start = Date.parse(body.start_time);
  const row: NexAppointment = {
    ...template, start_time: body.start_time, end_time: typeof body.end_time === 'string' ? body.end_time : iso(start + 3_600_000),
    created_at: now, updated_at: now, last_sync_time: now, cancelled: false, cancelled_at: null, confirmed: false, patient_missed: false,
    checkin_at: null, checked_out: false, checked_out_at: null, is_past_patient: false, patient_confirmed: null, note: null,
    foreign_id: null, misc: { is_booked_on_nexhealth: true },
  };
  Object.assign(row, pick(body, APPOINTMENT_FIELDS));
  checkTimes(row);
  row.start_time = iso(Date.parse(row.start_time));
  row.end_time = iso(Date.parse(row.end_time));
  institution.appointments.set(id, row);
  const deliveries = await sandbox.deliver({ resource_type: 'Appointment', event_name: 'appointment_created', event_time: now, data: { appointments: [{ ...row }] } }, 'appointment_created');
  return { data: { ...row }, deliveries };
}

/** Changes an appointment (cancelled, confirmed, times, note, operatory, provider) and delivers `appointment_updated` (NexHealth has no cancel event, §3). @throws NexApiError 404/400. */
export async function updateAppointment(sandbox: NexHealthSandbox, id: number, body: Record<string, unknown>): Promise<MutationResult<NexAppointment>> {
  const row = sandbox.institution.appointments.get(id);
  if (!row) throw NexApiError.notFound('Appointment');
  const wasCancelled = row.cancelled;
  Object.assign(row, pick(body, APPOINTMENT_FIELDS));
  checkTimes(row);
  row.updated_at = bump(row.updated_at);
  row.last_sync_time = row.updated_at;
  if (row.cancelled && !wasCancelled) row.cancelled_at = row.updated_at;
  if (!row.cancelled) row.cancelled_at = null;
  const deliveries = await sandbox.deliver({ resource_type: 'Appointment', event_name: 'appointment_updated', event_time: row.updated_at, data: { appointments: [{ ...row }] } }, 'appointment_updated');
  return { data: { ...row }, deliveries };
}
