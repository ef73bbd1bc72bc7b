import { Prng } from '../opendental-db/prng';
import { Institution, NexLocation, NexOperatory, NexProvider, OPENDENTAL_SOURCE } from './institution';

/** Every sandbox location is in the Portland, OR metro. */
export const LOCATION_TZ = 'America/Los_Angeles';

const DAY = 86_400_000;

/** ISO 8601 UTC with milliseconds, as NexHealth writes timestamps (`2020-06-05T20:16:57.007Z`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: LOCATION_TZ, timeZoneName: 'shortOffset' });

/** The Pacific offset at an instant in NexHealth's `timezone_offset` form (`-7:00`, `-8:00`). */
export function tzOffset(ms: number): string {
  const name = offsetFormat.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT-8';
  const m = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name);
  return m ? `${m[1]}${Number(m[2])}:${m[3] ?? '00'}` : '+0:00';
}

const LOCATIONS: Array<[string, string, string, string, string, number, number]> = [
  ['Riverside Family Dental - Portland', '2250 SE Division St', 'Portland', '97202', '5032318890', 45.5048, -122.6413],
  ['Riverside Family Dental - Beaverton', '12555 SW Canyon Rd', 'Beaverton', '97005', '5036414400', 45.4951, -122.8098],
  ['Riverside Family Dental - Gresham', '1550 NW Eastman Pkwy', 'Gresham', '97030', '5036659000', 45.5129, -122.4380],
];

const PROVIDERS: Array<[string, string, string, string, number[]]> = [
  ['Avery', 'Nakamura', 'DDS', '122300000X', [0, 1]], ['Jordan', 'Whitfield', 'DMD', '122300000X', [0]], ['Priya', 'Raman', 'RDH', '124Q00000X', [0, 2]],
  ['Samuel', "O'Neill", 'DDS', '122300000X', [1]], ['Lucía', 'Fernández', 'RDH', '124Q00000X', [1, 2]], ['Grace', 'Okafor', 'DDS', '122300000X', [2]],
  ['Harold', 'Benson', 'DDS', '122300000X', [0]],
];

/**
 * The institution's reference rows: 3 locations (ids 101–103), 7 providers (ids 201–207; the
 * last is inactive), 3 operatories per location (ids 301…). Patients and their records are
 * added by generator.ts.
 */
export function buildReference(seed: number, subdomain: string, now: number): Institution {
  const rng = new Prng(seed, 'nex-reference');
  const created = now - 900 * DAY;
  const stamp = () => iso(Math.min(now - 60_000, created + rng.int(0, 800) * DAY));
  const institution: Institution = {
    id: 1, name: 'Riverside Family Dental', subdomain,
    locations: new Map(), providers: new Map(), operatories: new Map(), patients: new Map(),
    appointments: new Map(), coverages: new Map(), documents: new Map(), balances: new Map(), nextId: { patient: 0, appointment: 0 },
  };
  LOCATIONS.forEach(([name, street, city, zip, phone, latitude, longitude], i) => {
    const location: NexLocation = {
      id: 101 + i, name, institution_id: 1, street_address: street, street_address_2: null, city, state: 'OR', zip_code: zip, country_code: 'US',
      created_at: iso(created), updated_at: stamp(), latitude, longitude, phone_number: phone, foreign_id: String(i + 1), foreign_id_type: OPENDENTAL_SOURCE,
      email: `frontdesk${i + 1}@example.com`, tz: LOCATION_TZ, last_sync_time: iso(now - 300_000), insert_appt_client: true, map_by_operatory: true,
      set_availability_by_operatory: false, inactive: false, specialty: { id: 1, name: 'General Dentistry' },
    };
    institution.locations.set(location.id, location);
    for (let k = 0; k < 3; k++) {
      const op: NexOperatory = {
        id: 301 + i * 3 + k, name: `OP ${k + 1}`, foreign_id: String(i * 3 + k + 1), foreign_id_type: OPENDENTAL_SOURCE, location_id: location.id,
        last_sync_time: iso(now - 300_000), created_at: iso(created), updated_at: stamp(), display_name: k === 2 ? `Hygiene ${i + 1}` : `Operatory ${k + 1}`,
        active: true, bookable_online: k !== 1,
      };
      institution.operatories.set(op.id, op);
    }
  });
  PROVIDERS.forEach(([first, last, suffix, specialty, locs], i) => {
    const provider: NexProvider = {
      id: 201 + i, email: `${first[0]}${last}`.toLowerCase().replace(/[^a-z]/g, '') + '@example.com', first_name: first, middle_name: null,
      last_name: last, name: `${first} ${last}`, created_at: iso(created), updated_at: stamp(), institution_id: 1, foreign_id: String(i + 1),
      foreign_id_type: OPENDENTAL_SOURCE, bio: { gender: rng.chance(0.5) ? 'Female' : 'Male' }, inactive: i === PROVIDERS.length - 1,
      last_sync_time: iso(now - 300_000), display_name: `${first} ${last}, ${suffix}`, npi: `1${rng.digits(9)}`, tin: null,
      state_license: `OR-${rng.digits(5)}`, specialty_code: specialty, location_ids: locs.map((l) => 101 + l),
    };
    institution.providers.set(provider.id, provider);
  });
  return institution;
}
