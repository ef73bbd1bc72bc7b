import { DAY, type OfficeClock } from './office-time';
import { ADDRESS2_VALUES, EDGE_FIRST_NAMES, EDGE_LAST_NAMES, EMAIL_DOMAINS, LANGUAGES, METRO_CITIES, METRO_WEIGHTS, STREET_DIRECTIONS, type FakerPools } from './pools';
import { Prng, hashString } from './prng';
import { DEF_CAT, formatPhone, type ReferenceData } from './reference-data';
import { MIN_DATE, toDate, toDateTime, type Row } from './row-format';

/**
 * Patient rows, generated family by family (Guarantor = the family head's PatNum, as in
 * OpenDental). Enum values follow the schema XML: PatStatus Patient 0 .. Prospective 6,
 * Gender Male 0/Female 1/Unknown 2/Other 3, Position Single 0/Married 1/Child 2/
 * Widowed 3/Divorced 4, TxtMsgOk Unknown 0/Yes 1/No 2.
 *
 * Edge cases use index arithmetic, not chance, so every build of N patients has the
 * same, guaranteed count of each: (i * 7919 + k) % m walks every residue once per m rows.
 */

/** PatStatus per 200 patients: 85% Patient, then NonPatient, Inactive, Archived, Deleted, Deceased, Prospective. */
const STATUS_SLOTS: Array<[status: number, slots: number]> = [[1, 4], [2, 12], [3, 6], [4, 2], [5, 2], [6, 4]];
const NICKNAMES: Record<string, string> = {
  Robert: 'Bob', William: 'Bill', Elizabeth: 'Liz', Katherine: 'Kate', James: 'Jim', Michael: 'Mike', Jennifer: 'Jen',
  Christopher: 'Chris', Margaret: 'Peggy', Richard: 'Rick', Joseph: 'Joe', Thomas: 'Tom', Patricia: 'Patty', Daniel: 'Dan',
};

const METRO_INDEXES = METRO_CITIES.map((_, k) => k);

/** Residue of patient/family index i in a permutation of 0..m-1 (exact fractions per m rows). */
export const slot = (i: number, salt: number, m: number): number => (i * 7919 + salt) % m;

/** PatStatus of patient index i. */
export function patientStatus(i: number): number {
  let r = slot(i, 101, 200); // salt 101: patient #1 (the first family head) is a plain Patient
  for (const [status, n] of STATUS_SLOTS) {
    if (r < n) return status;
    r -= n;
  }
  return 0;
}

/** Family layout and per-family choices shared by patients, appointments and insurance. */
export interface PatientSkeleton {
  count: number;
  familyStart: number[];
  familySize: number[];
  familyOf: Int32Array;
  status: Uint8Array;
  clinicOf: Uint8Array;
  priProvOf: Int32Array;
  /** 1 when the family's second member is the head's spouse (else a child), per family. */
  hasSpouse: Uint8Array;
  /** PlanNum of the family's primary / secondary plan (0 = none), per family; plan2 is the spouse's. */
  plan1: Int32Array;
  plan2: Int32Array;
}

/** Lays out families (sizes 1-5; the first has 3 members), clinics, providers and plans. */
export function buildSkeleton(seed: number, count: number, ref: ReferenceData): PatientSkeleton {
  const rng = new Prng(seed, 'family');
  const familyStart: number[] = [];
  const familySize: number[] = [];
  for (let i = 0; i < count; ) {
    const size = Math.min(familyStart.length === 0 ? 3 : rng.weighted([1, 2, 3, 4, 5], [35, 25, 18, 14, 8]), count - i);
    familyStart.push(i);
    familySize.push(size);
    i += size;
  }
  const familyOf = new Int32Array(count);
  const status = new Uint8Array(count);
  const clinicOf = new Uint8Array(count);
  const priProvOf = new Int32Array(count);
  const plan1 = new Int32Array(familyStart.length);
  const plan2 = new Int32Array(familyStart.length);
  const hasSpouse = new Uint8Array(familyStart.length);
  const clinicWeights = ref.clinicNums.map((c) => (c === 1 ? 50 : 25));
  familyStart.forEach((start, f) => {
    const clinic = rng.weighted(ref.clinicNums, clinicWeights);
    // ~2% of families still list a retired or hidden dentist as primary provider.
    const prov = rng.chance(0.02) ? rng.pick(ref.inactiveProvNums) : rng.pick(ref.dentistsByClinic.get(clinic) ?? [1]);
    hasSpouse[f] = familySize[f] > 1 && rng.chance(0.7) ? 1 : 0;
    if (rng.chance(0.6)) {
      plan1[f] = rng.pick(ref.planNums);
      if (hasSpouse[f] && rng.chance(0.2)) plan2[f] = ref.planNums[(plan1[f] + rng.int(0, ref.planNums.length - 2)) % ref.planNums.length];
    }
    for (let i = start; i < start + familySize[f]; i++) {
      familyOf[i] = f;
      status[i] = patientStatus(i);
      clinicOf[i] = clinic;
      priProvOf[i] = prov;
    }
  });
  return { count, familyStart, familySize, familyOf, status, clinicOf, priProvOf, hasSpouse, plan1, plan2 };
}

/** Letters and digits only, accents folded: used for e-mail local parts and image folders. */
export function asciiFold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]/g, '');
}

/** Household data shared by a family: surname, address and landline. */
export interface Household {
  lname: string;
  address: string;
  address2: string;
  city: string;
  state: string;
  zip: string;
  hmPhone: string;
  areaCode: string;
}

/** Generates one household address (about 2% of them out of the metro area). */
export function makeHousehold(rng: Prng, pools: FakerPools, f: number): Household {
  const lname = slot(f, 5, 23) === 0 ? EDGE_LAST_NAMES[Math.floor(f / 23) % EDGE_LAST_NAMES.length] : rng.pick(pools.last);
  const metro = METRO_CITIES[rng.weighted(METRO_INDEXES, METRO_WEIGHTS)];
  const far = slot(f, 7, 50) === 0 ? rng.pick(pools.farAway) : undefined;
  const street = rng.pick(pools.streets);
  const dir = metro.city === 'Portland' && !far && !/^[NSEW] /.test(street) ? `${rng.pick(STREET_DIRECTIONS)} ` : '';
  const areaCode = far ? rng.pick(['206', '541', '208', '415', '702']) : rng.pick(metro.areaCodes);
  const zip = far ? far.zip : rng.pick(metro.zips) + (rng.chance(0.1) ? `-${rng.digits(4)}` : '');
  return {
    lname,
    address: `${rng.int(100, 19999)} ${dir}${street}`,
    address2: [1, 4, 9].includes(slot(f, 11, 20)) ? rng.pick(ADDRESS2_VALUES) : '',
    city: far ? far.city : metro.city,
    state: far ? far.state : metro.state,
    zip,
    hmPhone: rng.chance(0.55) ? formatPhone(areaCode + rng.int(2, 9) + rng.digits(6)) : '',
    areaCode,
  };
}

/** Role of a person in the family, driving age, Position and relationship. */
export type FamilyRole = 'head' | 'spouse' | 'child';

/**
 * One patient row (no PatNum/Guarantor/DateTStamp: the caller sets them).
 * @param age whole years at the reference day.
 * @param i patient index, used for the index-based edge cases.
 * @param headEmail the family head's e-mail, which some children share.
 */
export function makePerson(rng: Prng, pools: FakerPools, clock: OfficeClock, ref: Pick<ReferenceData, 'defs'>, home: Household, role: FamilyRole, age: number, i: number, headEmail: string): Row {
  let gender = rng.chance(0.5) ? 1 : 0;
  if (slot(i, 5, 67) === 0) gender = 2;
  else if (slot(i, 9, 151) === 0) gender = 3;
  const fnamePool = gender === 1 || (gender > 1 && rng.chance(0.5)) ? pools.firstFemale : pools.firstMale;
  let fname = slot(i, 7, 19) === 0 ? EDGE_FIRST_NAMES[Math.floor(i / 19) % EDGE_FIRST_NAMES.length] : rng.pick(fnamePool);
  let lname = role === 'head' || rng.chance(0.85) ? home.lname : rng.pick(pools.last);
  if (i === 13) lname = 'NULL'; // a real surname (and a classic export bug): must stay a string
  if (i === 41) fname = 'NULL';
  const adult = role !== 'child';
  const birthMs = clock.referenceMs - age * 365.25 * DAY - rng.int(0, 364) * DAY;
  const middle = rng.chance(0.35) ? rng.pick(pools.middle) : '';
  const wirelessOk = adult || age >= 13;
  const workOnly = slot(i, 8, 33) === 0;
  const wireless = !workOnly && wirelessOk && rng.chance(adult ? 0.85 : 0.4) ? formatPhone(home.areaCode + rng.int(2, 9) + rng.digits(6)) : '';
  const wk = workOnly || (adult && rng.chance(0.15)) ? formatPhone(home.areaCode + rng.int(2, 9) + rng.digits(6)) : '';
  const local = `${asciiFold(fname).toLowerCase()}.${asciiFold(lname).toLowerCase()}`;
  const email = adult
    ? rng.chance(0.75) ? `${local.length > 1 ? local : `patient${i}`}${rng.chance(0.4) ? rng.int(1, 99) : ''}@${rng.pick(EMAIL_DOMAINS)}` : ''
    : rng.chance(0.3) ? headEmail : '';
  const ssnDigits = slot(i, 17, 250) === 0 ? `00${rng.digits(7)}` : `9${rng.digits(8)}`;
  const ssn = rng.chance(adult ? 0.55 : 0.2) ? (rng.chance(0.7) ? `${ssnDigits.slice(0, 3)}-${ssnDigits.slice(3, 5)}-${ssnDigits.slice(5)}` : ssnDigits) : '';
  const billing = ref.defs.get(DEF_CAT.BillingTypes);
  return {
    LName: lname, FName: fname,
    MiddleI: middle && rng.chance(0.7) ? middle.charAt(0) : middle,
    Preferred: slot(i, 3, 10) === 0 ? (NICKNAMES[fname] ?? (middle || rng.pick(fnamePool))) : '',
    PatStatus: patientStatus(i), Gender: gender,
    Position: role === 'child' ? (age >= 18 ? 0 : 2) : role === 'spouse' ? 1 : rng.weighted([0, 1, 3, 4], [40, 40, 8, 12]),
    Birthdate: slot(i, 11, 97) === 0 ? MIN_DATE : toDate(birthMs),
    SSN: ssn, Address: home.address, Address2: home.address2, City: home.city, State: home.state, Zip: home.zip,
    HmPhone: workOnly ? '' : home.hmPhone, WkPhone: wk, WirelessPhone: wireless, Email: email,
    Title: adult && rng.chance(0.1) ? rng.pick(['Mr.', 'Mrs.', 'Ms.', 'Dr.']) : '',
    MedicaidID: slot(i, 4, 17) === 0 ? `${String.fromCharCode(65 + rng.int(0, 25))}${String.fromCharCode(65 + rng.int(0, 25))}${rng.digits(5)}${String.fromCharCode(65 + rng.int(0, 25))}` : '',
    BillingType: billing?.get(rng.weighted(['Standard Account', 'No Billing / Insurance Only', 'Collections'], [95, 4, 1])) ?? 0,
    StudentStatus: !adult && age >= 18 ? rng.pick(['F', 'P', 'N']) : '',
    Language: rng.pick(LANGUAGES), TxtMsgOk: wireless ? rng.weighted([0, 1, 2], [50, 45, 5]) : 0,
    PreferConfirmMethod: rng.weighted([0, 2, 4, 5, 8], [40, 10, 10, 15, 25]), PreferContactMethod: rng.weighted([0, 2, 4, 5, 8], [50, 15, 15, 10, 10]),
    PreferRecallMethod: rng.weighted([0, 5, 7, 8], [55, 15, 10, 20]), Premed: rng.chance(0.02) ? 1 : 0,
    SecUserNumEntry: rng.int(1, 6),
  };
}

/**
 * Streams every patient row. DateTStamp is explicit and in the past; a third of the
 * families (always the first) share one DateTStamp, like an address change saved for the
 * whole family in the same second.
 */
export function* patientRows(seed: number, sk: PatientSkeleton, pools: FakerPools, clock: OfficeClock, ref: ReferenceData): Generator<Row> {
  const famStream = hashString('household');
  const patStream = hashString('patient');
  for (let f = 0; f < sk.familyStart.length; f++) {
    const frng = new Prng(seed, famStream, f);
    const home = makeHousehold(frng, pools, f);
    const sharedStamp = f % 3 === 0 && sk.familySize[f] > 1 ? clock.stamp(frng, clock.historyStartMs) : 0;
    const headAge = frng.int(24, 88);
    const head = sk.familyStart[f];
    let headEmail = '';
    for (let m = 0; m < sk.familySize[f]; m++) {
      const i = head + m;
      const rng = new Prng(seed, patStream, i);
      const role: FamilyRole = m === 0 ? 'head' : m === 1 && sk.hasSpouse[f] ? 'spouse' : 'child';
      const age = role === 'head' ? headAge : role === 'spouse' ? Math.max(20, headAge + rng.int(-6, 6)) : rng.int(1, Math.min(25, headAge - 20));
      const row = makePerson(rng, pools, clock, ref, home, role, age, i, headEmail);
      if (m === 0) headEmail = row.Email as string;
      const isNew = rng.chance(0.3);
      let entryMs = isNew ? clock.stamp(rng, clock.historyStartMs) : clock.historyStartMs - rng.int(1, 3000) * DAY;
      const stampMs = sharedStamp || clock.stamp(rng, Math.max(entryMs, clock.historyStartMs));
      entryMs = Math.min(entryMs, stampMs);
      const balance = m === 0 && rng.chance(0.3) ? rng.int(100, 150000) / 100 : 0;
      row.PatNum = i + 1;
      row.Guarantor = head + 1;
      row.ClinicNum = sk.clinicOf[i];
      row.PriProv = sk.priProvOf[i];
      row.SecProv = rng.chance(0.4) ? rng.pick(ref.hygienistsByClinic.get(sk.clinicOf[i]) ?? [0]) : 0;
      row.HasIns = sk.plan1[f] ? 'I' : '';
      row.EstBalance = balance;
      row.Bal_0_30 = balance;
      row.BalTotal = balance;
      row.ChartNumber = rng.chance(0.25) ? String(10000 + i) : '';
      row.ImageFolder = `${asciiFold(`${row.LName}${row.FName}`)}${i + 1}`;
      row.SecDateEntry = toDate(entryMs);
      row.DateFirstVisit = row.PatStatus === 6 ? MIN_DATE : toDate(Math.min(entryMs + rng.int(0, 30) * DAY, stampMs));
      if (row.PatStatus === 5) row.DateTimeDeceased = toDateTime(clock.stamp(rng, clock.historyStartMs, stampMs));
      row.DateTStamp = toDateTime(stampMs);
      yield row;
    }
  }
}
