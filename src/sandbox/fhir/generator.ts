import type { FhirResource } from '../../providers/fhir/fhir-types';
import { hashString, Prng } from '../opendental-db/prng';
import { COMMON_LAST_NAMES, EDGE_FIRST_NAMES, EDGE_LAST_NAMES, EMAIL_DOMAINS, METRO_CITIES } from '../opendental-db/pools';
import { SandboxResourceType } from './profiles';

const DAY = 86_400_000;
const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'Elizabeth', 'William', 'Noah', 'Olivia', 'Liam', 'Ava'];
const NICKNAMES: Record<string, string> = { James: 'Jim', Robert: 'Bob', Patricia: 'Patty', Michael: 'Mike', Elizabeth: 'Liz', William: 'Bill', Jennifer: 'Jen' };
const APPT_STATUS = ['booked', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'arrived'] as const;
const APPT_WEIGHTS = [40, 35, 12, 6, 3, 4];
const SSN_SYSTEMS = ['http://hl7.org/fhir/sid/us-ssn', 'urn:oid:2.16.840.1.113883.4.1'];
const MR = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] };
/** Valid NPIs (Luhn over 80840 + digits) for the generated practitioners. */
const NPIS = ['1234567893', '1245319599', '1003000126', '1497758544', '1679576722', '1538174232', '1962499485', '1578641504'];

/** Generated resources of one tenant, by type and id. */
export type TenantData = Record<SandboxResourceType, Map<string, FhirResource>>;

/** Options of {@link generateTenant}. */
export interface GenerateOptions {
  seed: number;
  /** Names the tenant: `{vendor}/{tenant}` (mixed into the seed, so tenants differ). */
  tenantKey: string;
  patients: number;
  /** Every `meta.lastUpdated` is before this instant (epoch ms). */
  now: number;
}

function meta(rng: Prng, now: number): FhirResource['meta'] {
  return { versionId: String(rng.int(1, 4)), lastUpdated: new Date(now - rng.int(2, 400) * DAY - rng.int(0, DAY - 1)).toISOString() };
}

function phone(rng: Prng, areaCodes: string[]): string {
  return `(${rng.pick(areaCodes)}) ${rng.int(200, 989)}-${rng.digits(4)}`;
}

function patient(seed: number, i: number, now: number, practitioners: string[]): FhirResource {
  const rng = new Prng(seed, 'fhir-patient', i);
  const edge = i % 6 === 2;
  const given = edge ? rng.pick(EDGE_FIRST_NAMES) : rng.pick(FIRST);
  const family = edge ? rng.pick(EDGE_LAST_NAMES) : rng.pick(COMMON_LAST_NAMES);
  const city = rng.pick(METRO_CITIES);
  const names: Array<Record<string, unknown>> = [{ use: 'official', family, given: rng.chance(0.3) ? [given, rng.pick(FIRST)] : [given] }];
  if (NICKNAMES[given] && rng.chance(0.7)) names.push({ use: 'nickname', given: [NICKNAMES[given]] });
  if (rng.chance(0.1)) names.push({ use: 'old', family: rng.pick(COMMON_LAST_NAMES), given: [given] });
  const telecom: Array<Record<string, unknown>> = [];
  const phones = rng.int(1, 3);
  for (let p = 0; p < phones; p++) telecom.push({ system: 'phone', value: phone(rng, city.areaCodes), use: (['mobile', 'home', 'work'] as const)[p], rank: phones - p });
  if (rng.chance(0.15)) telecom.push({ system: 'phone', value: phone(rng, city.areaCodes), use: 'home', period: { end: '2021-06-30' } });
  if (rng.chance(0.85)) telecom.push({ system: 'email', value: `${given}.${family}${i}@${rng.pick(EMAIL_DOMAINS)}`.toLowerCase().replace(/[^a-z0-9.@]/g, '') });
  const identifier: Array<Record<string, unknown>> = [{ use: 'usual', type: MR, system: 'urn:oid:2.16.840.1.113883.3.7418.1', value: `MRN${100000 + i}` }];
  if (rng.chance(0.6)) identifier.push({ system: SSN_SYSTEMS[i % 2], value: `${rng.int(100, 665)}-${rng.digits(2)}-${rng.digits(4)}` });
  const age = rng.int(1, 95);
  const resource: FhirResource = {
    resourceType: 'Patient', id: `pat-${1000 + i}`, meta: meta(rng, now), identifier, active: !rng.chance(0.05), name: names, telecom,
    gender: rng.weighted(['female', 'male', 'other', 'unknown'], [48, 48, 2, 2]),
    birthDate: new Date(now - age * 365.25 * DAY - rng.int(0, 364) * DAY).toISOString().slice(0, 10),
    address: [{ use: 'home', line: [`${rng.int(100, 19999)} ${rng.pick(['Alder', 'Division', 'Hawthorne'])} St`], city: city.city, state: city.state, postalCode: rng.pick(city.zips), country: 'US' }],
    generalPractitioner: [{ reference: `Practitioner/${rng.pick(practitioners)}` }],
  };
  if (rng.chance(0.04)) resource.deceasedDateTime = new Date(now - rng.int(30, 900) * DAY).toISOString();
  else if (rng.chance(0.02)) resource.deceasedBoolean = true;
  return resource;
}

/**
 * Deterministic synthetic data of one tenant (the same seed and tenant give the same resources;
 * only `meta.lastUpdated` follows `now`): 8 practitioners with valid NPIs, 3 locations (a site
 * and two rooms), `patients` patients (unicode names, nicknames, 1-3 ranked phones plus ended
 * ones, MRN, SSN under both system spellings, deceased ones), about 3 appointments each
 * (booked/fulfilled/cancelled/noshow/entered-in-error/arrived), a coverage for 70 % of them and
 * a document for half (some with inline `data`).
 */
export function generateTenant(options: GenerateOptions): TenantData {
  const seed = (options.seed ^ hashString(options.tenantKey)) | 0;
  const { now } = options;
  const data: TenantData = { Patient: new Map(), Practitioner: new Map(), Location: new Map(), Appointment: new Map(), Coverage: new Map(), DocumentReference: new Map() };
  const add = (r: FhirResource) => data[r.resourceType as SandboxResourceType].set(r.id!, r);
  const rng = new Prng(seed, 'fhir-reference');
  NPIS.forEach((npi, k) => add({
    resourceType: 'Practitioner', id: `prac-${k + 1}`, meta: meta(rng, now), active: k !== 7,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: npi }], name: [{ use: 'official', family: rng.pick([...COMMON_LAST_NAMES, ...EDGE_LAST_NAMES]), given: [rng.pick(FIRST)], prefix: ['Dr.'] }],
    telecom: [{ system: 'phone', value: '(503) 555-0100', use: 'work', rank: 1 }],
  }));
  add({ resourceType: 'Location', id: 'loc-1', meta: meta(rng, now), status: 'active', name: 'Riverside Family Health', physicalType: { coding: [{ code: 'si' }] }, address: { line: ['100 River Rd'], city: 'Portland', state: 'OR', postalCode: '97201' } });
  for (const k of [2, 3]) add({ resourceType: 'Location', id: `loc-${k}`, meta: meta(rng, now), status: k === 3 ? 'suspended' : 'active', name: `Exam Room ${k - 1}`, alias: [`ER${k - 1}`], physicalType: { coding: [{ code: 'ro' }] }, partOf: { reference: 'Location/loc-1' } });
  const practitioners = [...data.Practitioner.keys()];
  for (let i = 0; i < options.patients; i++) {
    const p = patient(seed, i, now, practitioners);
    add(p);
    const r = new Prng(seed, 'fhir-patient-children', i);
    for (let a = 0, n = r.int(1, 5); a < n; a++) {
      const status = r.weighted(APPT_STATUS, APPT_WEIGHTS);
      const start = now + r.int(-300, 120) * DAY + r.int(8, 16) * 3_600_000;
      const minutes = r.pick([15, 30, 45, 60]);
      add({
        resourceType: 'Appointment', id: `appt-${p.id!.slice(4)}-${a}`, meta: meta(r, now), status,
        start: new Date(start).toISOString(), end: new Date(start + minutes * 60_000).toISOString(), minutesDuration: minutes,
        participant: [
          { actor: { reference: `Patient/${p.id}` }, status: 'accepted' },
          { type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF' }] }], actor: { reference: `Practitioner/${r.pick(practitioners)}` }, status: 'accepted' },
          { actor: { reference: `Location/loc-${r.int(2, 3)}` }, status: 'accepted' },
        ],
      });
    }
    if (r.chance(0.7)) add({
      resourceType: 'Coverage', id: `cov-${p.id!.slice(4)}`, meta: meta(r, now), status: r.chance(0.03) ? 'entered-in-error' : 'active',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: r.pick(['DENTPRG', 'HIP', 'VISPOL']) }] },
      subscriberId: `W${r.digits(8)}`, beneficiary: { reference: `Patient/${p.id}` }, subscriber: { reference: `Patient/${p.id}` },
      relationship: { coding: [{ code: 'self' }] }, order: 1, period: { start: '2026-01-01' },
      payor: [{ reference: 'Organization/org-1', display: r.pick(['Delta Dental', 'Aetna', 'Blue Cross Blue Shield']) }],
      class: [{ type: { coding: [{ code: 'group' }] }, value: `G-${r.digits(4)}`, name: 'Employer Group' }],
    });
    if (r.chance(0.5)) add({
      resourceType: 'DocumentReference', id: `doc-${p.id!.slice(4)}`, meta: meta(r, now), status: r.chance(0.04) ? 'entered-in-error' : 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '34108-1' }] }, subject: { reference: `Patient/${p.id}` }, date: new Date(now - r.int(1, 300) * DAY).toISOString(),
      author: [{ reference: `Practitioner/${r.pick(practitioners)}` }],
      content: [{ attachment: { contentType: 'application/pdf', title: 'visit-note.pdf', url: `Binary/bin-${p.id!.slice(4)}`, ...(r.chance(0.3) ? { data: Buffer.from('synthetic note').toString('base64') } : {}) } }],
    });
  }
  return data;
}

/**
 * Gives every Patient a vendor-style id (`pat-1003` → `idOf('1003')`, e.g. athenahealth
 * `a-195900.E-1003`) and rewrites the references to it (Appointment participants, Coverage
 * beneficiary and subscriber, DocumentReference subject).
 */
export function renamePatients(data: TenantData, idOf: (n: string) => string): void {
  const renamed = new Map<string, string>();
  for (const [id, patient] of [...data.Patient]) {
    const next = idOf(id.replace(/^pat-/, ''));
    renamed.set(`Patient/${id}`, `Patient/${next}`);
    data.Patient.delete(id);
    data.Patient.set(next, { ...patient, id: next });
  }
  const fix = (value: unknown): void => {
    const r = value as { reference?: string } | undefined;
    if (r?.reference && renamed.has(r.reference)) r.reference = renamed.get(r.reference);
  };
  for (const a of data.Appointment.values()) for (const p of (a.participant as Array<{ actor?: unknown }> | undefined) ?? []) fix(p.actor);
  for (const c of data.Coverage.values()) { fix(c.beneficiary); fix(c.subscriber); }
  for (const d of data.DocumentReference.values()) fix(d.subject);
}
