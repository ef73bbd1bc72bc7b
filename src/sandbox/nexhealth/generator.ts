import { Prng } from '../opendental-db/prng';
import { APPT_NOTES, COMMON_LAST_NAMES, EDGE_FIRST_NAMES, EDGE_LAST_NAMES, EMAIL_DOMAINS, METRO_CITIES } from '../opendental-db/pools';
import { buildReference, iso, LOCATION_TZ, tzOffset } from './reference-data';
import { Institution, NexAppointment, NexBio, NexPatient, OPENDENTAL_SOURCE } from './institution';

const DAY = 86_400_000;
const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Daniel', 'Karen', 'Emma', 'Noah', 'Olivia', 'Liam', 'Ava', 'Mateo',
];
const MIME: Array<[string, string]> = [['jpg', 'image/jpeg'], ['pdf', 'application/pdf'], ['png', 'image/png']];
const DOC_NAMES = ['bitewing', 'panoramic', 'intake-form', 'insurance-card', 'consent', 'perio-chart'];

/** Options of {@link generateInstitution}. */
export interface GenerateOptions {
  seed: number;
  patients: number;
  subdomain: string;
  /** The "now" the data is generated around (epoch ms): every updated_at is before it. */
  now: number;
}

function phone(rng: Prng, areaCodes: string[]): string {
  return `${rng.pick(areaCodes)}${rng.int(200, 989)}${rng.digits(4)}`;
}

/** A patient: ~1 in 7 with an accented/apostrophe name, 10% without email, 5% with only a work phone, 8% inactive, 3% without a birth date, 85% linked to OpenDental (foreign_id = PatNum). */
function patient(seed: number, index: number, institution: Institution, now: number, adults: NexPatient[]): NexPatient {
  const rng = new Prng(seed, 'nex-patient', index);
  const locations = [...institution.locations.keys()];
  const location_id = rng.weighted(locations, [50, 30, 20].slice(0, locations.length));
  const edge = index % 7 === 3;
  const first = edge ? rng.pick(EDGE_FIRST_NAMES) : rng.pick(FIRST_NAMES);
  const last = edge ? rng.pick(EDGE_LAST_NAMES) : rng.pick(COMMON_LAST_NAMES);
  const city = rng.pick(METRO_CITIES);
  const onlyWork = rng.chance(0.05);
  const cell = onlyWork || rng.chance(0.15) ? '' : phone(rng, city.areaCodes);
  const home = onlyWork || rng.chance(0.6) ? '' : phone(rng, city.areaCodes);
  const work = onlyWork || rng.chance(0.1) ? phone(rng, city.areaCodes) : '';
  const household = adults.filter((a) => a.location_id === location_id);
  const dependent = household.length > 0 && rng.chance(0.2) ? rng.pick(household) : null;
  const age = dependent ? rng.int(3, 17) : rng.int(18, 88);
  const dob = rng.chance(0.03) ? null : iso(now - age * 365.25 * DAY - rng.int(0, 364) * DAY).slice(0, 10);
  const created = now - rng.int(30, 2000) * DAY;
  const updated = Math.min(now - 60_000, created + rng.int(0, 2000) * DAY);
  const id = 1000 + index;
  const bio: NexBio = {
    city: city.city, state: city.state, gender: rng.chance(0.5) ? 'Female' : 'Male', zip_code: rng.pick(city.zips),
    new_patient: rng.chance(0.05), non_patient: false, phone_number: cell || home || work, date_of_birth: dob,
    address_line_1: `${rng.int(100, 19999)} ${rng.pick(['NE', 'SE', 'SW', 'NW'])} ${rng.pick(['Alder', 'Division', 'Hawthorne', 'Burnside', 'Powell'])} St`,
    address_line_2: rng.chance(0.15) ? `Apt ${rng.int(1, 40)}` : '', street_address: '',
    cell_phone_number: cell, home_phone_number: home, work_phone_number: work,
  };
  bio.street_address = bio.address_line_1;
  const providers = [...institution.providers.values()].filter((p) => !p.inactive && p.location_ids.includes(location_id));
  const consent = iso(created).slice(0, 10);
  return {
    id, email: rng.chance(0.1) ? null : `${first}.${last}${index}@${rng.pick(EMAIL_DOMAINS)}`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
    first_name: first, middle_name: rng.chance(0.3) ? rng.pick(FIRST_NAMES) : null, last_name: last, name: `${first} ${last}`,
    created_at: iso(created), updated_at: iso(updated), institution_id: institution.id,
    foreign_id: rng.chance(0.85) ? String(index + 1) : null, foreign_id_type: OPENDENTAL_SOURCE, bio,
    inactive: rng.chance(0.08), last_sync_time: iso(updated), guarantor_id: dependent ? dependent.id : id,
    billing_type: rng.pick(['Standard Account', 'Standard Account', 'No Billing / Insurance Only']), chart_id: String(index + 1).padStart(6, '0'),
    preferred_language: rng.pick(['en', 'en', 'en', 'es', null]), provider_id: providers.length ? rng.pick(providers).id : null,
    hipaa: { authorization: true, authorization_date: consent, privacy: true, privacy_date: consent, consent: rng.chance(0.9), consent_date: consent },
    location_id,
  };
}

/** A booked (or cancelled, 10%) visit of 30–90 minutes between 07:00 and 16:00 office time, from 540 days ago to 90 days ahead. */
export function appointmentFor(rng: Prng, id: number, p: NexPatient | null, institution: Institution, now: number, locationId: number): NexAppointment {
  const day = Math.floor(now / DAY) + rng.int(-540, 90);
  const localMinutes = rng.int(14, 32) * 30;
  const start = day * DAY + localMinutes * 60_000 + 8 * 3_600_000; // 07:00–16:00 Pacific ≈ 15:00–24:00 UTC.
  const end = start + rng.pick([30, 60, 60, 90]) * 60_000;
  const providers = [...institution.providers.values()].filter((pr) => pr.location_ids.includes(locationId) && !pr.inactive);
  const ops = [...institution.operatories.values()].filter((o) => o.location_id === locationId);
  const provider = providers.length ? rng.pick(providers) : null;
  const cancelled = p !== null && rng.chance(0.1);
  const created = Math.min(now - 3_600_000, start - rng.int(1, 60) * DAY);
  const updated = Math.min(now - 60_000, created + rng.int(0, 30) * DAY);
  const past = start < now;
  return {
    id, patient_id: p?.id ?? null, provider_id: provider?.id ?? null, provider_name: provider?.name ?? null, start_time: iso(start),
    confirmed: past || rng.chance(0.5), patient_missed: past && !cancelled && rng.chance(0.04), created_at: iso(created), updated_at: iso(updated),
    note: p === null ? 'Staff meeting' : rng.chance(0.3) ? rng.pick(APPT_NOTES).replace(/\r?\n/g, ' ').slice(0, 128) : null,
    end_time: iso(end), unavailable: p === null, cancelled, timezone: LOCATION_TZ, institution_id: institution.id,
    appointment_type_id: p === null ? null : rng.int(1, 4), checkin_at: past && !cancelled ? iso(start - 600_000) : null, location_id: locationId,
    foreign_id: p?.foreign_id ? String(id - 50000 + 1) : null, foreign_id_type: OPENDENTAL_SOURCE, misc: { is_booked_on_nexhealth: false },
    last_sync_time: iso(updated), patient_confirmed: past ? true : null, created_by_user_id: null, is_guardian: false,
    patient_confirmed_at: null, cancelled_at: cancelled ? iso(updated) : null, is_new_clients_patient: false, confirmed_at: null,
    sooner_if_possible: false, operatory_id: ops.length ? rng.pick(ops).id : null, checked_out: past && !cancelled, checked_out_at: past && !cancelled ? iso(end) : null,
    referrer: null, is_past_patient: past, timezone_offset: tzOffset(start),
  };
}

/** Coverages (0–2), documents (0–3), appointments (0–4) of one patient, and the balance of a guarantor. */
function related(seed: number, p: NexPatient, institution: Institution, now: number, ids: { appt: number; cov: number; doc: number; bal: number }): void {
  const rng = new Prng(seed, 'nex-related', p.id);
  for (let i = rng.weighted([0, 1, 2, 3, 4], [15, 30, 25, 20, 10]); i > 0; i--) {
    const a = appointmentFor(rng, ids.appt++, p, institution, now, p.location_id);
    institution.appointments.set(a.id, a);
  }
  const coverages = rng.weighted([0, 1, 2], [25, 60, 15]);
  for (let priority = 1; priority <= coverages; priority++) {
    const expired = rng.chance(0.15);
    const effective = now - rng.int(60, 2000) * DAY;
    institution.coverages.set(ids.cov, {
      id: ids.cov++, subscription_relation: p.guarantor_id === p.id ? 'self' : rng.pick(['child', 'dependent']), patient_id: p.id, priority,
      plan_id: 900 + rng.int(1, 24), subscriber_num: rng.chance(0.95) ? rng.digits(9) : null, effective_date: iso(effective).slice(0, 10),
      expiration_date: expired ? iso(now - rng.int(1, 50) * DAY).slice(0, 10) : null, insurance_type: rng.chance(0.9) ? 'dental' : 'medical',
      updated_at: iso(Math.min(now - 60_000, effective + rng.int(0, 60) * DAY)), active: !expired,
    });
  }
  for (let i = rng.weighted([0, 1, 2, 3], [30, 35, 25, 10]); i > 0; i--) {
    const [ext, mime] = rng.pick(MIME);
    const id = ids.doc++;
    institution.documents.set(id, {
      id, filename: `${rng.pick(DOC_NAMES)}-${id}.${ext}`, type: mime, url: `/documents/${id}/download`,
      created_at: iso(now - rng.int(1, 900) * DAY), document_type_id: rng.int(1, 4), patient_id: p.id,
    });
  }
  if (p.guarantor_id === p.id) {
    const zero = rng.chance(0.3);
    const cents = zero ? [0, 0, 0, 0] : [rng.int(0, 40000), rng.int(0, 20000), rng.int(0, 10000), rng.int(0, 8000)];
    const money = (c: number) => ({ amount: (c / 100).toFixed(2), currency: 'USD' });
    const total = cents.reduce((s, c) => s + c, 0);
    const insurance = Math.floor(total * 0.4);
    const id = ids.bal++;
    institution.balances.set(id, {
      id, foreign_id: p.foreign_id ?? String(id), guarantor_id: p.id, location_id: p.location_id, updated_at: iso(now - rng.int(1, 120) * DAY),
      write_off_estimate: money(0), total_balance: money(total), insurance_estimate: money(insurance), guarantor_portion: money(total - insurance),
      total_balance_under_30: money(cents[0]), total_balance_31_60: money(cents[1]), total_balance_61_90: money(cents[2]), total_balance_over_90: money(cents[3]),
    });
  }
}

/**
 * Builds a seeded synthetic institution: 3 locations in the Portland metro, 7 providers (one
 * inactive), 3 operatories per location, `patients` patients and per patient appointments,
 * insurance coverages, documents and (for guarantors) a guarantor balance, plus 2 blocked
 * "unavailable" slots per location (appointments without a patient). Same seed → same data;
 * timestamps are relative to `now`.
 */
export function generateInstitution(options: GenerateOptions): Institution {
  const institution = buildReference(options.seed, options.subdomain, options.now);
  const ids = { appt: 50000, cov: 70000, doc: 80000, bal: 95000 };
  const adults: NexPatient[] = [];
  for (let i = 0; i < options.patients; i++) {
    const p = patient(options.seed, i, institution, options.now, adults);
    institution.patients.set(p.id, p);
    if (p.guarantor_id === p.id) adults.push(p);
  }
  for (const p of institution.patients.values()) related(options.seed, p, institution, options.now, ids);
  const rng = new Prng(options.seed, 'nex-blocks');
  for (const location of institution.locations.values()) {
    for (let k = 0; k < 2; k++) {
      const block = appointmentFor(rng, ids.appt++, null, institution, options.now, location.id);
      institution.appointments.set(block.id, block);
    }
  }
  institution.nextId = { patient: 1000 + options.patients, appointment: ids.appt };
  return institution;
}
