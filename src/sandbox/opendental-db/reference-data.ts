import type { OfficeClock } from './office-time';
import { DAY } from './office-time';
import { CARRIERS, type FakerPools } from './pools';
import { Prng } from './prng';
import { toDate, type Row } from './row-format';

/**
 * The small tables of a generated office: definition, clinic, provider, operatory,
 * carrier and insplan, plus the lookups the big tables need (which providers work at
 * which clinic, which operatories are hygiene rooms...). Enum values and definition
 * categories follow OpenDentalDocumentation25-4.xml (DefCat, ProvStatus, PlanType).
 */

/** DefCat numbers used by the sandbox (schema enum DefCat). */
export const DEF_CAT = { ApptConfirmed: 2, BillingTypes: 4, RecallUnschedStatus: 13, ImageCats: 18, ProviderSpecialties: 35 } as const;

/** Definitions created per category: [ItemName, ItemValue]. ApptConfirmed mirrors OpenDental's defaults. */
const DEFINITIONS: Array<[number, string, string]> = [
  [2, 'Not Called', ''], [2, 'Unconfirmed', ''], [2, 'Appointment Confirmed', 'Conf'], [2, 'Left Message', ''],
  [2, 'Texted', ''], [2, 'E-mailed', ''], [2, 'eConfirm Sent', 'Sent'], [2, 'Arrived', 'Here'],
  [2, 'Ready to go back', 'Rdy'], [2, 'In Treatment Room', 'Op'], [2, 'Dismissed', 'Done'],
  [4, 'Standard Account', ''], [4, 'No Billing / Insurance Only', ''], [4, 'Collections', 'C'],
  [13, 'Do Not Call', ''], [13, 'Left Msg', ''], [13, 'Pt will call back', ''],
  [18, 'X-Rays', 'XM'], [18, 'Photos', 'PM'], [18, 'Forms', 'F'], [18, 'Insurance Cards', 'M'],
  [35, 'General', ''], [35, 'Hygienist', ''],
];

/** Clinic templates (name, abbreviation, street address, city, state, ZIP, phone). */
const CLINICS = [
  ['Riverside Family Dental - Portland', 'PDX', '2250 SE Division St', 'Portland', 'OR', '97202', '5032318890'],
  ['Riverside Family Dental - Beaverton', 'BEA', '12555 SW Canyon Rd', 'Beaverton', 'OR', '97005', '5036414400'],
  ['Riverside Family Dental - Vancouver', 'VAN', '8101 NE Vancouver Plaza Dr', 'Vancouver', 'WA', '98662', '3602542200'],
];

/** Reference rows and lookups shared by the patient/appointment generators. */
export interface ReferenceData {
  rows: Record<'definition' | 'clinic' | 'provider' | 'operatory' | 'carrier' | 'insplan', Row[]>;
  /** DefNums by category and ItemName. */
  defs: Map<number, Map<string, number>>;
  clinicNums: number[];
  /** Active, visible dentists / hygienists per ClinicNum. */
  dentistsByClinic: Map<number, number[]>;
  hygienistsByClinic: Map<number, number[]>;
  /** ProvNums of the retired (ProvStatus Deleted) and hidden providers. */
  inactiveProvNums: number[];
  /** Operatories per ClinicNum: visible general, visible hygiene, hidden. */
  opsByClinic: Map<number, { general: number[]; hygiene: number[]; hidden: number[] }>;
  planNums: number[];
}

/** Sizes of the reference tables for a given patient count (brief: scale with patients). */
export function referenceSizes(patients: number): { clinics: number; providers: number; operatories: number; plans: number } {
  return {
    clinics: patients < 1000 ? 2 : 3,
    providers: Math.max(4, Math.round((patients / 5000) * 10)),
    operatories: Math.max(8, Math.round(patients / 2500)),
    plans: Math.max(8, Math.round(patients / 50)),
  };
}

/** Formats 10 digits as OpenDental displays US phones: (503)231-8890. */
export function formatPhone(digits10: string): string {
  return `(${digits10.slice(0, 3)})${digits10.slice(3, 6)}-${digits10.slice(6)}`;
}

/**
 * Builds all reference rows and lookups. Deterministic for (seed, patients, clock).
 * Provider roles: #1 dentist, #2 hygienist, then every third a hygienist (IsSecondary=1);
 * the last provider is retired (ProvStatus=1 Deleted), the one before it IsHidden=1.
 */
export function buildReferenceData(seed: number, patients: number, clock: OfficeClock, pools: FakerPools): ReferenceData {
  const rng = new Prng(seed, 'reference');
  const size = referenceSizes(patients);
  const stamp = (): string => clock.stampText(rng);
  const defs = new Map<number, Map<string, number>>();
  const definition = DEFINITIONS.map(([cat, name, value], i): Row => {
    if (!defs.has(cat)) defs.set(cat, new Map());
    const byName = defs.get(cat) as Map<string, number>;
    byName.set(name, i + 1);
    return { DefNum: i + 1, Category: cat, ItemOrder: byName.size - 1, ItemName: name, ItemValue: value, ItemColor: -rng.int(1, 16777215) };
  });
  const clinicNums = Array.from({ length: size.clinics }, (_, i) => i + 1);

  const provider: Row[] = [];
  const dentistsByClinic = new Map<number, number[]>(clinicNums.map((c) => [c, []]));
  const hygienistsByClinic = new Map<number, number[]>(clinicNums.map((c) => [c, []]));
  const inactiveProvNums: number[] = [];
  let dent = 0;
  let hyg = 0;
  for (let i = 0; i < size.providers; i++) {
    const provNum = i + 1;
    const isHyg = i === 1 || (i > 1 && i % 3 === 1);
    const female = rng.chance(0.55);
    const deleted = i === size.providers - 1;
    const hidden = i === size.providers - 2;
    const clinic = clinicNums[Math.floor(i / 3) % clinicNums.length]; // each clinic gets D, H, D...
    if (deleted || hidden) inactiveProvNums.push(provNum);
    else (isHyg ? hygienistsByClinic : dentistsByClinic).get(clinic)?.push(provNum);
    provider.push({
      ProvNum: provNum, Abbr: isHyg ? `HYG${++hyg}` : `DOC${++dent}`, ItemOrder: i,
      LName: rng.pick(pools.last), FName: rng.pick(female ? pools.firstFemale : pools.firstMale),
      MI: rng.chance(0.5) ? rng.pick(pools.middle).charAt(0) : '', Suffix: isHyg ? 'RDH' : rng.pick(['DDS', 'DMD']),
      Specialty: defs.get(DEF_CAT.ProviderSpecialties)?.get(isHyg ? 'Hygienist' : 'General') ?? 0,
      SSN: `9${rng.digits(8)}`, StateLicense: `${isHyg ? 'H' : 'D'}${rng.digits(5)}`, DEANum: isHyg ? '' : `B${rng.pick(['A', 'S', 'M'])}${rng.digits(7)}`,
      IsSecondary: isHyg ? 1 : 0, ProvColor: -rng.int(1, 16777215), IsHidden: hidden ? 1 : 0,
      NationalProvID: `1${rng.digits(9)}`, DateTStamp: stamp(), ProvStatus: deleted ? 1 : 0,
      StateWhereLicensed: CLINICS[i % CLINICS.length][4], Birthdate: toDate(Date.UTC(rng.int(1955, 1995), rng.int(0, 11), rng.int(1, 28))),
      DateTerm: deleted ? toDate(clock.historyStartMs + 200 * DAY) : '0001-01-01',
    });
  }
  // Small offices leave some clinic without an active dentist or hygienist: share everyone's.
  for (const m of [dentistsByClinic, hygienistsByClinic]) {
    const all = [...m.values()].flat();
    for (const c of clinicNums) if (m.get(c)?.length === 0) m.set(c, all);
  }

  const clinic = clinicNums.map((c): Row => {
    const [desc, abbr, addr, city, state, zip, phone] = CLINICS[c - 1];
    const prov = dentistsByClinic.get(c)?.[0] ?? 1;
    return {
      ClinicNum: c, Description: desc, Address: addr, City: city, State: state, Zip: zip, Phone: phone,
      DefaultPlaceService: 0, InsBillingProv: prov, Fax: phone.slice(0, 6) + rng.digits(4), DefaultProv: prov,
      ItemOrder: c - 1, Abbr: abbr, IsConfirmEnabled: 1, TimeZone: 'Pacific Standard Time',
    };
  });

  const operatory: Row[] = [];
  const opsByClinic = new Map(clinicNums.map((c) => [c, { general: [] as number[], hygiene: [] as number[], hidden: [] as number[] }]));
  for (let i = 0; i < size.operatories; i++) {
    const c = clinicNums[i % clinicNums.length];
    const perClinic = Math.floor(i / clinicNums.length) + 1;
    const isHyg = perClinic % 2 === 0;
    const hidden = i === size.operatories - 1;
    const ops = opsByClinic.get(c) as { general: number[]; hygiene: number[]; hidden: number[] };
    (hidden ? ops.hidden : isHyg ? ops.hygiene : ops.general).push(i + 1);
    operatory.push({
      OperatoryNum: i + 1, OpName: `${isHyg ? 'Hygiene' : 'Op'} ${perClinic}`, Abbrev: `${isHyg ? 'H' : 'D'}${perClinic}`,
      ItemOrder: perClinic - 1, IsHidden: hidden ? 1 : 0, ProvDentist: isHyg ? 0 : rng.pick(dentistsByClinic.get(c) ?? [1]),
      ProvHygienist: isHyg ? rng.pick(hygienistsByClinic.get(c) ?? [2]) : 0, IsHygiene: isHyg ? 1 : 0, ClinicNum: c,
      DateTStamp: stamp(), SetProspective: perClinic === 1 ? 1 : 0, IsWebSched: isHyg ? 1 : 0,
    });
  }
  for (const ops of opsByClinic.values()) if (ops.hygiene.length === 0) ops.hygiene = ops.general;

  const carrier = CARRIERS.map((c, i): Row => ({
    CarrierNum: i + 1, CarrierName: c.name, Address: c.address, City: c.city, State: c.state, Zip: c.zip, Phone: c.phone,
    ElectID: c.electId, SecDateEntry: toDate(clock.historyStartMs - 400 * DAY), SecDateTEdit: stamp(), SecUserNumEntry: 1,
  }));
  const planNums: number[] = [];
  const insplan = Array.from({ length: size.plans }, (_, i): Row => {
    planNums.push(i + 1);
    const carrierNum = rng.weighted(carrier.map((c) => c.CarrierNum as number), [18, 14, 10, 10, 8, 6, 5, 5, 4, 8, 8, 4]);
    return {
      PlanNum: i + 1, GroupName: rng.pick(pools.companies), GroupNum: rng.chance(0.9) ? rng.digits(rng.int(5, 9)) : '',
      PlanNote: rng.chance(0.1) ? 'Frequency: BWX 1/12mo, FMX 1/60mo.\r\nMissing tooth clause.' : '',
      PlanType: rng.weighted(['', 'p', 'f', 'c'], [60, 35, 3, 2]), CarrierNum: carrierNum, ClaimFormNum: 1,
      MonthRenew: rng.chance(0.8) ? 0 : rng.int(1, 12), CobRule: rng.weighted([0, 1, 2], [80, 15, 5]),
      SecDateEntry: toDate(clock.historyStartMs - rng.int(1, 900) * DAY), SecDateTEdit: stamp(), SecUserNumEntry: 1,
      BillingType: defs.get(DEF_CAT.BillingTypes)?.get('Standard Account') ?? 0,
    };
  });
  return {
    rows: { definition, clinic, provider, operatory, carrier, insplan },
    defs, clinicNums, dentistsByClinic, hygienistsByClinic, inactiveProvNums, opsByClinic, planNums,
  };
}
