import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_links');

interface PatientDto {
  id: string;
  integrationId: string;
  externalId: string;
  data: { names: Array<{ use: string; family: string; given: string[] }>; birthDate: string };
  link: { patientId: string; reason: string } | null;
}

/**
 * Two sources of one office (the same OpenDental database read twice) give every patient twice:
 * the second source's patients link to the first's by name and birth date, except where the
 * office itself has two patients with the same name and birth date (ambiguous: no link).
 */
describe('patient links across sources and GET /patients/:id/sources', () => {
  let t: TestApp;
  let org: { auth: string };
  let first: string;
  let second: string;

  const all = async (integrationId: string): Promise<PatientDto[]> => {
    const out: PatientDto[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: PatientDto[]; nextCursor: string | null } } = await t.http.get(`/api/v1/patients?integrationId=${integrationId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`).set('Authorization', org.auth).expect(200);
      out.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  };
  const sync = async (integrationId: string) => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    expect((await waitForJob(t, org.auth, created.body.id)).status).toBe('succeeded');
  };

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 300, 23);
    t = await bootApp();
    org = await createOrg(t);
    first = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send({ ...integrationBody(sandbox), name: 'front desk' }).expect(201)).body.id;
    second = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send({ ...integrationBody(sandbox), name: 'second copy' }).expect(201)).body.id;
    await sync(first);
    await sync(second);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("links each second-source patient to the first source's patient with the same name and birth date, and only when unambiguous", async () => {
    const firsts = await all(first);
    const seconds = await all(second);
    expect(seconds).toHaveLength(firsts.length);
    const key = (p: PatientDto) => `${p.data.names[0].given[0]}|${p.data.names[0].family}|${p.data.birthDate}`.toLowerCase();
    const byKey = new Map<string, PatientDto[]>();
    for (const p of firsts) byKey.set(key(p), [...(byKey.get(key(p)) ?? []), p]);
    let linked = 0;
    for (const p of seconds) {
      const detail = (await t.http.get(`/api/v1/patients/${p.id}`).set('Authorization', org.auth).expect(200)).body as PatientDto;
      const candidates = byKey.get(key(p)) ?? [];
      if (candidates.length === 1) {
        expect(detail.link).toMatchObject({ patientId: candidates[0].id, reason: 'name_birthdate' });
        expect(candidates[0].externalId).toBe(p.externalId);
        linked++;
      } else {
        expect(detail.link).toBeNull();
      }
    }
    expect(linked).toBeGreaterThan(firsts.length * 0.9);
    // The first source's patients are the roots: none of them is linked.
    for (const p of firsts.slice(0, 20)) expect((await t.http.get(`/api/v1/patients/${p.id}`).set('Authorization', org.auth).expect(200)).body.link).toBeNull();
  });

  it('a re-sync keeps the links and makes none twice', async () => {
    const before = (await all(second)).length;
    await sync(second);
    const res = await t.http.get(`/api/v1/patients?integrationId=${second}&limit=500`).set('Authorization', org.auth).expect(200);
    expect(res.body.data.length).toBe(Math.min(before, 500));
    const detail = (await t.http.get(`/api/v1/patients/${res.body.data[0].id}`).set('Authorization', org.auth).expect(200)).body;
    expect(detail.link === null || detail.link.reason === 'name_birthdate').toBe(true);
  });

  it('sources shows both sources in sections with raw payloads, the same from either patient', async () => {
    const seconds = await all(second);
    let target: PatientDto | undefined;
    for (const p of seconds) {
      const detail = (await t.http.get(`/api/v1/patients/${p.id}`).set('Authorization', org.auth).expect(200)).body as PatientDto;
      const appts = await t.http.get(`/api/v1/appointments?patientId=${p.id}`).set('Authorization', org.auth).expect(200);
      if (detail.link && appts.body.data.length) { target = detail; break; }
    }
    expect(target).toBeDefined();
    const fromSecond = (await t.http.get(`/api/v1/patients/${target!.id}/sources`).set('Authorization', org.auth).expect(200)).body;
    const fromRoot = (await t.http.get(`/api/v1/patients/${target!.link!.patientId}/sources`).set('Authorization', org.auth).expect(200)).body;
    expect(fromSecond).toEqual(fromRoot);
    expect(fromRoot.patientId).toBe(target!.link!.patientId);
    expect(fromRoot.sources.map((s: { source: { integrationId: string } }) => s.source.integrationId)).toEqual([first, second]);
    const [rootSource, linkedSource] = fromRoot.sources;
    expect(rootSource.link).toBeNull();
    expect(linkedSource.link).toMatchObject({ patientId: rootSource.patientId, reason: 'name_birthdate' });
    for (const s of fromRoot.sources) {
      expect(s.sections.demographics).toMatchObject({ names: target!.data.names, birthDate: target!.data.birthDate });
      expect(Object.keys(s.sections.contacts)).toEqual(['telecom']);
      expect(s.sections.demographics).not.toHaveProperty('telecom');
      expect(s.sections.addresses).toHaveLength(1);
      expect(s.sections.appointments.length).toBeGreaterThan(0);
      for (const a of s.sections.appointments) expect(String(a.raw.AptNum)).toBe(a.externalId);
      expect(String(s.raw.PatNum)).toBe(target!.externalId);
      expect(s.raw).not.toHaveProperty('SSN');
    }
    expect(rootSource.sections.appointments.length).toBe(linkedSource.sections.appointments.length);
  });

  it('puts every patient into a person: a linked pair shares one, and no person joins two different office patients', async () => {
    const firsts = await all(first);
    const seconds = await all(second);
    const persons = new Map<string, PatientDto[]>();
    const family = firsts[0].data.names[0].family;
    const found = (await t.http.get(`/api/v1/persons?q=${encodeURIComponent(family)}`).set('Authorization', org.auth).expect(200)).body.data;
    expect(found.length).toBeGreaterThan(0);
    const page = async (cursor: string | null): Promise<{ data: Array<{ id: string; recordCount: number }>; nextCursor: string | null }> =>
      (await t.http.get(`/api/v1/persons?limit=500${cursor ? `&cursor=${cursor}` : ''}`).set('Authorization', org.auth).expect(200)).body;
    let cursor: string | null = null;
    let records = 0;
    do {
      const res = await page(cursor);
      for (const p of res.data) {
        records += p.recordCount;
        if (p.recordCount > 1) persons.set(p.id, []);
      }
      cursor = res.nextCursor;
    } while (cursor);
    expect(records).toBe(firsts.length + seconds.length);
    const byId = new Map([...firsts, ...seconds].map((p) => [p.id, p]));
    for (const personId of [...persons.keys()].slice(0, 40)) {
      const detail = (await t.http.get(`/api/v1/persons/${personId}`).set('Authorization', org.auth).expect(200)).body;
      const members = detail.records.map((r: { recordId: string }) => byId.get(r.recordId)!);
      // The two sources read one database: a person holds the same PatNum from each.
      expect(new Set(members.map((m: PatientDto) => m.externalId)).size).toBe(1);
      expect(new Set(members.map((m: PatientDto) => m.integrationId)).size).toBe(members.length);
    }
    expect(persons.size).toBeGreaterThan(firsts.length * 0.9);
  });

  it("another organization's key gets 404 for sources", async () => {
    const other = await createOrg(t);
    const p = (await all(first))[0];
    await t.http.get(`/api/v1/patients/${p.id}/sources`).set('Authorization', other.auth).expect(404);
  });
});
