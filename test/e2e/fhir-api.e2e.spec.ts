import { DataSource } from 'typeorm';
import { SOURCE_CHART_NUMBER_SYSTEM, SOURCE_ID_SYSTEM } from '../../src/canonical';
import { buildIntegration } from '../factories/integration.factory';
import { buildOrganization, TestOrganization } from '../factories/organization.factory';
import {
  appointmentData, buildRecord, buildRecords, coverageData, documentData, locationData, patientData, practitionerData,
} from '../factories/record.factory';
import { bootApp, TestApp } from '../helpers/app';
import { FhirValidator } from '../helpers/fhir-validator';

/* The FHIR R4 read API (/fhir/R4) over records inserted through the factories: every answer is
 * checked against the official R4 JSON Schema and @medplum/core's validateResource. */

let t: TestApp;
let db: DataSource;
let fhir: FhirValidator;
let a: TestOrganization;
let b: TestOrganization;
let integrationA: string;
const ids: Record<string, string> = {};

type Json = Record<string, any>;

/** GETs a FHIR path as organization `org` (or without a key), checks the media type and validity, returns the body. */
async function get(path: string, org: TestOrganization | null, status = 200, headers: Record<string, string> = {}): Promise<Json> {
  let req = t.http.get(`/fhir/R4${path}`);
  if (org) req = req.set('Authorization', org.auth);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  const res = await req;
  expect({ path, status: res.status }).toEqual({ path, status });
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  const body = JSON.parse(res.text) as Json;
  expect({ path, errors: fhir.errors(body) }).toEqual({ path, errors: [] });
  return body;
}

const idsOf = (bundle: Json): string[] => (bundle.entry ?? []).map((e: Json) => e.resource.id).sort();

beforeAll(async () => {
  fhir = new FhirValidator();
  t = await bootApp();
  db = t.app.get(DataSource);
  a = await buildOrganization(t, 'FHIR A');
  b = await buildOrganization(t, 'FHIR B');
  integrationA = await buildIntegration(db, a.id);
  const integrationB = await buildIntegration(db, b.id);

  ids.practitioner = await buildRecord(db, a.id, integrationA, 'providers', { externalId: '1', data: practitionerData() });
  ids.location = await buildRecord(db, a.id, integrationA, 'locations', { externalId: '10', data: locationData({ partOf: { externalId: '99' } }) });
  const ident = (v: string) => [{ system: SOURCE_ID_SYSTEM, value: v, type: 'PI' as const }, { system: SOURCE_CHART_NUMBER_SYSTEM, value: `C${v}`, type: 'MR' as const }];
  [ids.jane, ids.john, ids.gone] = await buildRecords(db, a.id, integrationA, 'patients', [
    { externalId: '100', data: patientData({ identifiers: ident('100'), primaryProvider: { externalId: '1' } }) },
    { externalId: '101', data: patientData({
      names: [{ use: 'official', family: 'Müller', given: ['John', 'Q'], prefix: [], suffix: [], text: 'John Müller' }],
      birthDate: '1975-01-02', gender: 'male', identifiers: ident('101'), maritalStatus: 'M', deceased: true,
    }) },
    { externalId: '102', data: patientData({ identifiers: ident('102') }), deleted: true },
  ]);
  ids.other = await buildRecord(db, b.id, integrationB, 'patients', { externalId: '100', data: patientData({ identifiers: ident('100') }) });

  const participants = [
    { resourceType: 'patients' as const, link: { externalId: '100' }, type: 'PART' as const, status: 'accepted' as const },
    { resourceType: 'providers' as const, link: { externalId: '1' }, type: 'PPRF' as const, status: 'accepted' as const },
    { resourceType: 'locations' as const, link: { externalId: '10' }, type: 'LOC' as const, status: 'accepted' as const },
  ];
  [ids.booked, ids.cancelled, ids.untimed] = await buildRecords(db, a.id, integrationA, 'appointments', [
    { externalId: 'a1', patientId: ids.jane, startsAt: '2026-12-01T15:00:00.000Z', data: appointmentData({ participants, patient: { externalId: '100' } }) },
    { externalId: 'a2', patientId: ids.john, startsAt: null, data: appointmentData({ status: 'cancelled', start: null, end: null, patient: { externalId: '101' } }) },
    { externalId: 'a3', patientId: ids.jane, startsAt: '2026-12-03T09:00:00.000Z', data: appointmentData({ start: '2026-12-03T09:00:00.000Z', end: null, durationMinutes: 45 }) },
  ]);
  ids.coverage = await buildRecord(db, a.id, integrationA, 'coverages', { externalId: 'c1', patientId: ids.jane, data: coverageData({ beneficiary: { externalId: '100' }, subscriber: { externalId: '100' } }) });
  ids.document = await buildRecord(db, a.id, integrationA, 'documents', { externalId: 'd1', patientId: ids.john, data: documentData({ author: { externalId: '1' } }) });
  await db.query(`UPDATE records SET updated_at = '2026-01-10T12:00:00Z' WHERE id = $1`, [ids.jane]);
  await db.query(`UPDATE records SET updated_at = '2026-03-10T12:00:00Z' WHERE id = $1`, [ids.john]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('the validator', () => {
  it('rejects what is not valid FHIR R4 (so the checks below can fail)', () => {
    expect(fhir.errors({ resourceType: 'Patient', gender: 'woman' }).join()).toMatch(/schema/);
    expect(fhir.errors({ resourceType: 'Appointment', status: 'booked', participant: [{ status: 'accepted', type: [{ text: 'x' }] }] }).join()).toMatch(/app-3/);
    expect(fhir.errors({ resourceType: 'Patient', name: [] }).length).toBeGreaterThan(0);
    expect(fhir.errors({ resourceType: 'Patient', birthDate: '' }).length).toBeGreaterThan(0);
  });
});

describe('metadata', () => {
  it('serves a valid CapabilityStatement without a key, listing exactly the six types with their search parameters', async () => {
    const cs = await get('/metadata', null);
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    const resources = cs.rest[0].resource;
    expect(resources.map((r: Json) => r.type).sort()).toEqual(['Appointment', 'Coverage', 'DocumentReference', 'Location', 'Patient', 'Practitioner']);
    const patient = resources.find((r: Json) => r.type === 'Patient');
    expect(patient.searchParam.map((p: Json) => p.name)).toEqual(['_id', 'identifier', '_lastUpdated', 'name', 'family', 'given', 'birthdate', 'gender']);
  });
});

describe('read', () => {
  it('serves a Patient with meta, integration identifier systems and the provider as our Practitioner id', async () => {
    const p = await get(`/Patient/${ids.jane}`, a);
    expect(p).toMatchObject({ resourceType: 'Patient', id: ids.jane, gender: 'female', birthDate: '1980-05-17', active: true });
    expect(p.meta).toEqual({ versionId: '1', lastUpdated: '2026-01-10T12:00:00.000Z', source: `urn:ehr-sync-hub:integration:${integrationA}` });
    expect(p.identifier).toContainEqual({ system: `urn:ehr-sync-hub:integration:${integrationA}:chart-number`, value: 'C100', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } });
    expect(p.generalPractitioner).toEqual([{ reference: `Practitioner/${ids.practitioner}` }]);
    expect(p.name[0]).toEqual({ use: 'official', text: 'Jane Doe', family: 'Doe', given: ['Jane'] });
  });

  it('serves every other type as valid FHIR with our ids in references', async () => {
    const pr = await get(`/Practitioner/${ids.practitioner}`, a);
    expect(pr.identifier).toEqual([{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NPI' }] } }]);
    const loc = await get(`/Location/${ids.location}`, a);
    expect(loc.partOf).toEqual({ type: 'Location', identifier: { system: `urn:ehr-sync-hub:integration:${integrationA}:id`, value: '99' } });
    const booked = await get(`/Appointment/${ids.booked}`, a);
    expect(booked.participant.map((p: Json) => p.actor.reference)).toEqual([`Patient/${ids.jane}`, `Practitioner/${ids.practitioner}`, `Location/${ids.location}`]);
    const cancelled = await get(`/Appointment/${ids.cancelled}`, a);
    expect(cancelled).toMatchObject({ status: 'cancelled', participant: [{ actor: { reference: `Patient/${ids.john}` } }] });
    expect(cancelled.start).toBeUndefined();
    const untimed = await get(`/Appointment/${ids.untimed}`, a);
    expect(untimed).toMatchObject({ status: 'booked', start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T09:45:00.000Z' });
    const cov = await get(`/Coverage/${ids.coverage}`, a);
    expect(cov).toMatchObject({ beneficiary: { reference: `Patient/${ids.jane}` }, subscriber: { reference: `Patient/${ids.jane}` }, payor: [{ display: 'Delta Dental' }] });
    const doc = await get(`/DocumentReference/${ids.document}`, a);
    expect(doc).toMatchObject({ subject: { reference: `Patient/${ids.john}` }, author: [{ reference: `Practitioner/${ids.practitioner}` }], content: [{ attachment: { contentType: 'image/jpeg', title: 'bw.jpg' } }] });
  });

  it('still serves valid FHIR for records lacking canonical fields (a shape older than src/canonical)', async () => {
    const types = [['Patient', 'patients'], ['Practitioner', 'providers'], ['Location', 'locations'], ['Appointment', 'appointments'],
      ['Coverage', 'coverages'], ['DocumentReference', 'documents']] as const;
    const old = await buildOrganization(t, 'FHIR old shapes');
    const integration = await buildIntegration(db, old.id);
    const shapes = [{}, { firstName: 'Old', status: 'Patient', gender: 'F', names: [{ family: '', use: 'legal' }], identifiers: 'x', participants: { a: 1 } }];
    for (const [type, resource] of types) {
      for (const [n, data] of shapes.entries()) {
        const id = await buildRecord(db, old.id, integration, resource, { externalId: `old-${n}`, data });
        const body = await get(`/${type}/${id}`, old);
        expect(body).toMatchObject({ resourceType: type, id });
        expect(body.name).toBeUndefined();
      }
      const body = await get(`/${type}?_count=10`, old);
      expect(body.entry).toHaveLength(2);
    }
  });

  it('answers 410 for a deleted record and 404 for unknown ids, other organizations\' ids and unknown types', async () => {
    expect((await get(`/Patient/${ids.gone}`, a, 410)).issue[0].code).toBe('deleted');
    expect((await get(`/Patient/${ids.other}`, a, 404)).issue[0].code).toBe('not-found');
    expect((await get(`/Patient/${ids.jane}`, b, 404)).issue[0].code).toBe('not-found');
    await get(`/Practitioner/${ids.jane}`, a, 404);
    await get('/Patient/not-a-uuid', a, 404);
    expect((await get('/Observation', a, 404)).issue[0].code).toBe('not-supported');
    await get(`/Observation/${ids.jane}`, a, 404);
    await get('/Patient/x/y', a, 404);
  });

  it('answers 401 and 403 from the API key guard as OperationOutcomes', async () => {
    expect((await get('/Patient', null, 401)).issue[0].code).toBe('login');
    expect((await get('/Patient', { id: '', key: '', auth: 'Bearer ehk_000000000000_nope' }, 401)).issue[0].code).toBe('login');
    expect((await get('/Patient', { id: '', key: '', auth: `Bearer ${t.adminKey}` }, 403)).issue[0].code).toBe('forbidden');
  });
});

describe('search', () => {
  it('returns a valid searchset Bundle with self link, fullUrl and search.mode, without deleted or foreign records', async () => {
    const bundle = await get('/Patient', a);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(idsOf(bundle)).toEqual([ids.jane, ids.john].sort());
    expect(bundle.link).toEqual([{ relation: 'self', url: expect.stringMatching(/\/fhir\/R4\/Patient$/) }]);
    for (const e of bundle.entry) {
      expect(e.fullUrl).toMatch(new RegExp(`^http://[^/]+/fhir/R4/Patient/${e.resource.id}$`));
      expect(e.search).toEqual({ mode: 'match' });
    }
    expect(idsOf(await get('/Patient', b))).toEqual([ids.other]);
  });

  it('refuses unknown parameters with 400 unless Prefer: handling=lenient', async () => {
    const oo = await get('/Patient?foo=bar', a, 400);
    expect(oo.issue[0]).toMatchObject({ severity: 'error', code: 'invalid', diagnostics: expect.stringContaining('"foo"') });
    expect(idsOf(await get('/Patient?foo=bar', a, 200, { Prefer: 'handling=lenient' }))).toHaveLength(2);
    await get('/Patient?family:contains=Do', a, 400);
  });

  it('refuses bad values with 400 naming the parameter', async () => {
    for (const [query, name] of [['birthdate=1980-02-30', 'birthdate'], ['birthdate=xx1980', 'birthdate'], ['birthdate=sa1980', 'birthdate'],
      ['_count=501', '_count'], ['_count=0', '_count'], ['_lastUpdated=2026-13-01', '_lastUpdated'], ['gender=woman', 'gender'], ['_cursor=abc', '_cursor']]) {
      const oo = await get(`/Patient?${query}`, a, 400);
      expect(oo.issue[0].diagnostics).toContain(`"${name}"`);
    }
    await get('/Appointment?status=done', a, 400);
    await get('/Appointment?patient=Practitioner/1', a, 400);
  });

  it('filters _id, identifier system|value, value and system|', async () => {
    expect(idsOf(await get(`/Patient?_id=${ids.john},nope`, a))).toEqual([ids.john]);
    const chart = `urn:ehr-sync-hub:integration:${integrationA}:chart-number`;
    expect(idsOf(await get(`/Patient?identifier=${encodeURIComponent(`${chart}|C100`)}`, a))).toEqual([ids.jane]);
    expect(idsOf(await get('/Patient?identifier=C101', a))).toEqual([ids.john]);
    expect(idsOf(await get(`/Patient?identifier=${encodeURIComponent(`${chart}|`)}`, a))).toEqual([ids.jane, ids.john].sort());
    expect(idsOf(await get(`/Patient?identifier=${encodeURIComponent(`${chart}|C100`)}`, b))).toEqual([]);
    expect(idsOf(await get('/Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1234567893', a))).toEqual([ids.practitioner]);
  });

  it('filters _lastUpdated with gt, ge, lt, le and eq', async () => {
    expect(idsOf(await get('/Patient?_lastUpdated=lt2026-02-01', a))).toEqual([ids.jane]);
    expect(idsOf(await get('/Patient?_lastUpdated=gt2026-01-10T12:00:00Z&_lastUpdated=lt2026-06-01', a))).toEqual([ids.john]);
    expect(idsOf(await get('/Patient?_lastUpdated=ge2026-01-10T12:00:00Z&_lastUpdated=le2026-03-10', a))).toEqual([ids.jane, ids.john].sort());
    expect(idsOf(await get('/Patient?_lastUpdated=2026-03', a))).toEqual([ids.john]);
  });

  it('filters birthdate with eq, gt, ge, lt, le at year, month and day precision', async () => {
    expect(idsOf(await get('/Patient?birthdate=1980', a))).toEqual([ids.jane]);
    expect(idsOf(await get('/Patient?birthdate=eq1980-05-17', a))).toEqual([ids.jane]);
    expect(idsOf(await get('/Patient?birthdate=gt1980-05-16', a))).toEqual([ids.jane]);
    expect(idsOf(await get('/Patient?birthdate=gt1980-05-17', a))).toEqual([]);
    expect(idsOf(await get('/Patient?birthdate=ge1975-01-02&birthdate=lt1980-05-17', a))).toEqual([ids.john]);
    expect(idsOf(await get('/Patient?birthdate=le1980-05', a))).toEqual([ids.jane, ids.john].sort());
  });

  it('matches names by prefix ignoring case and accents, and gender', async () => {
    expect(idsOf(await get('/Patient?family=mull', a))).toEqual([ids.john]);
    expect(idsOf(await get('/Patient?family:exact=Müller', a))).toEqual([ids.john]);
    expect(idsOf(await get('/Patient?family:exact=muller', a))).toEqual([]);
    expect(idsOf(await get('/Patient?given=JA', a))).toEqual([ids.jane]);
    expect(idsOf(await get('/Patient?name=doe,john', a))).toEqual([ids.jane, ids.john].sort());
    expect(idsOf(await get('/Patient?gender=male', a))).toEqual([ids.john]);
  });

  it('filters Appointment by patient, date, status, practitioner and location; Coverage and DocumentReference by patient', async () => {
    expect(idsOf(await get(`/Appointment?patient=Patient/${ids.jane}`, a))).toEqual([ids.booked, ids.untimed].sort());
    expect(idsOf(await get('/Appointment?date=2026-12-01', a))).toEqual([ids.booked]);
    expect(idsOf(await get('/Appointment?date=gt2026-12-01T15:00:00Z', a))).toEqual([ids.untimed]);
    expect(idsOf(await get('/Appointment?date=ge2026-12-01T15:00:00Z&date=lt2026-12-02', a))).toEqual([ids.booked]);
    expect(idsOf(await get('/Appointment?status=cancelled', a))).toEqual([ids.cancelled]);
    expect(idsOf(await get('/Appointment?status=booked,cancelled', a))).toHaveLength(3);
    expect(idsOf(await get(`/Appointment?practitioner=Practitioner/${ids.practitioner}`, a))).toEqual([ids.booked]);
    expect(idsOf(await get(`/Appointment?location=${ids.location}`, a))).toEqual([ids.booked]);
    expect(idsOf(await get(`/Appointment?practitioner=Practitioner/${ids.practitioner}`, b))).toEqual([]);
    expect(idsOf(await get(`/Coverage?patient=${ids.jane}`, a))).toEqual([ids.coverage]);
    expect(idsOf(await get(`/Coverage?patient=${ids.john}`, a))).toEqual([]);
    expect(idsOf(await get(`/DocumentReference?patient=Patient/${ids.john}`, a))).toEqual([ids.document]);
  });

  it('pages with a next link that keeps the filters and stays stable while records change', async () => {
    const first = await get('/Appointment?_count=1&status=booked,cancelled', a);
    const next = first.link.find((l: Json) => l.relation === 'next').url as string;
    expect(next).toContain('status=booked%2Ccancelled');
    expect(next).toContain('_cursor=');
    await db.query(`UPDATE records SET updated_at = now(), version = version + 1 WHERE id = $1`, [first.entry[0].resource.id]);
    const seen = [first.entry[0].resource.id];
    let url: string | undefined = next;
    while (url) {
      const page = await get(url.slice(url.indexOf('/fhir/R4') + '/fhir/R4'.length), a);
      seen.push(...page.entry.map((e: Json) => e.resource.id));
      url = page.link.find((l: Json) => l.relation === 'next')?.url;
    }
    expect(seen.sort()).toEqual([ids.booked, ids.cancelled, ids.untimed].sort());
  });

  it('pages searches driven by an index key (birthdate, family, date) with their own cursors', async () => {
    for (const query of ['/Patient?birthdate=ge1900&_count=1', '/Patient?family=m&_count=1', '/Patient?family=d&_count=1', '/Appointment?date=ge2026&_count=1']) {
      const seen: string[] = [];
      let path: string | undefined = query;
      while (path) {
        const page = await get(path, a);
        seen.push(...(page.entry ?? []).map((e: Json) => e.resource.id));
        const next = page.link.find((l: Json) => l.relation === 'next')?.url as string | undefined;
        path = next?.slice(next.indexOf('/fhir/R4') + '/fhir/R4'.length);
      }
      expect({ query, n: new Set(seen).size }).toEqual({ query, n: seen.length });
      expect({ query, n: seen.length }).toEqual({ query, n: query.includes('birthdate') ? 2 : query.includes('Appointment') ? 2 : 1 });
    }
    const first = await get('/Patient?birthdate=ge1900&_count=1', a);
    const cursor = new URL(first.link.find((l: Json) => l.relation === 'next').url).searchParams.get('_cursor');
    await get(`/Patient?family=d&_cursor=${cursor}`, a, 400);
  });
});
