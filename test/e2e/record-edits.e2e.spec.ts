import { Connection } from 'mysql2/promise';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_edits');
const PHONE = [{ system: 'phone', value: '503-555-0199', use: 'mobile', rank: 1 }];

/**
 * Local edits on records of a real OpenDental DB sync: ETags, If-Match (428, 412, one winner of
 * two concurrent edits), field checks naming the field, the effective record in lists and the
 * FHIR API, the audit event, tenancy, and a later sync that changes another field.
 */
describe('PATCH /patients/:id and /appointments/:id: local edits with If-Match', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let integrationId: string;
  let patient: { id: string; externalId: string; data: Record<string, any> };
  let etag: string;

  const sync = async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    expect((await waitForJob(t, org.auth, created.body.id)).status).toBe('succeeded');
  };
  const patch = (path: string, body: object, ifMatch?: string) => {
    const req = t.http.patch(path).set('Authorization', org.auth);
    return ifMatch ? req.set('If-Match', ifMatch).send(body) : req.send(body);
  };

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 30, 5);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    t = await bootApp();
    org = await createOrg(t);
    integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
    await sync();
    patient = (await t.http.get('/api/v1/patients?limit=1').set('Authorization', org.auth).expect(200)).body.data[0];
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('every GET of one record answers ETag W/"<version>"', async () => {
    const res = await t.http.get(`/api/v1/patients/${patient.id}`).set('Authorization', org.auth).expect(200);
    expect(res.headers.etag).toBe(`W/"${res.body.version}"`);
    expect(res.body.edits).toEqual({});
    etag = res.headers.etag;
    const appt = (await t.http.get('/api/v1/appointments?limit=1').set('Authorization', org.auth).expect(200)).body.data[0];
    const one = await t.http.get(`/api/v1/appointments/${appt.id}`).set('Authorization', org.auth).expect(200);
    expect(one.headers.etag).toBe(`W/"${one.body.version}"`);
  });

  it('answers 428 without If-Match and 412 with a stale one', async () => {
    const missing = await patch(`/api/v1/patients/${patient.id}`, { preferredName: 'Pat' }).expect(428);
    expect(missing.body.message).toMatch(/If-Match/);
    const stale = await patch(`/api/v1/patients/${patient.id}`, { preferredName: 'Pat' }, 'W/"0"').expect(412);
    expect(stale.body.details).toEqual({ currentETag: etag });
  });

  it('answers 400 naming an unknown field, a read-only field and a bad value', async () => {
    const fields = async (body: object) => (await patch(`/api/v1/patients/${patient.id}`, body, etag).expect(400)).body.details.map((d: { field: string }) => d.field);
    expect(await fields({ favoriteColor: 'teal' })).toEqual(['favoriteColor']);
    expect(await fields({ externalId: '9' })).toEqual(['externalId']);
    expect(await fields({ integrationId: integrationId, identifiers: [] })).toEqual(['integrationId', 'identifiers']);
    expect(await fields({ birthDate: '1984-13-40' })).toEqual(['birthDate']);
    expect(await fields({ telecom: [{ system: 'pigeon', value: '1', use: null, rank: 1 }] })).toEqual(['telecom[0].system']);
    expect(await fields({})).toEqual(['body']);
    // Nothing was written: the ETag still holds.
    expect((await t.http.get(`/api/v1/patients/${patient.id}`).set('Authorization', org.auth).expect(200)).headers.etag).toBe(etag);
  });

  it('an edit is stored locally, served by the detail, the list and the FHIR API, audited, and moves the ETag', async () => {
    const res = await patch(`/api/v1/patients/${patient.id}`, { preferredName: 'Pat', telecom: PHONE }, etag).expect(200);
    expect(res.headers.etag).not.toBe(etag);
    expect(res.headers.etag).toBe(`W/"${res.body.version}"`);
    expect(res.body.data).toMatchObject({ preferredName: 'Pat', telecom: PHONE, birthDate: patient.data.birthDate });
    expect(res.body.edits.preferredName).toMatchObject({ local: 'Pat', source: patient.data.preferredName, base: patient.data.preferredName, editedBy: { actorType: 'api_key' } });
    expect(res.body.edits.telecom).toMatchObject({ local: PHONE, source: patient.data.telecom, base: patient.data.telecom });
    expect(Date.parse(res.body.edits.telecom.editedAt)).toBeGreaterThan(Date.now() - 60_000);
    etag = res.headers.etag;

    const listed = (await t.http.get(`/api/v1/patients?externalId=${patient.externalId}`).set('Authorization', org.auth).expect(200)).body.data[0];
    expect(listed.data).toMatchObject({ preferredName: 'Pat', telecom: PHONE });
    const fhir = (await t.http.get(`/fhir/R4/Patient/${patient.id}`).set('Authorization', org.auth).expect(200)).body;
    expect(fhir.telecom.map((c: { value: string }) => c.value)).toEqual(['503-555-0199']);

    const audit = (await t.http.get(`/api/v1/audit-events?action=record.edited&targetId=${patient.id}`).set('Authorization', org.auth).expect(200)).body.data;
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toEqual({ fields: ['preferredName', 'telecom'], version: res.body.version });
    expect(JSON.stringify(audit[0])).not.toContain('503-555-0199');
  });

  it('of two concurrent edits from the same ETag one answers 200 and the other 412', async () => {
    const [a, b] = await Promise.all([
      patch(`/api/v1/patients/${patient.id}`, { preferredName: 'First' }, etag),
      patch(`/api/v1/patients/${patient.id}`, { preferredName: 'Second' }, etag),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    const now = await t.http.get(`/api/v1/patients/${patient.id}`).set('Authorization', org.auth).expect(200);
    expect(now.body.data.preferredName).toBe(winner.body.data.preferredName);
    expect(now.headers.etag).toBe(winner.headers.etag);
    etag = now.headers.etag;
  });

  it("another organization's key gets 404", async () => {
    const other = await createOrg(t, 'Other Dental');
    await t.http.get(`/api/v1/patients/${patient.id}`).set('Authorization', other.auth).expect(404);
    await t.http.patch(`/api/v1/patients/${patient.id}`).set('Authorization', other.auth).set('If-Match', etag).send({ preferredName: 'x' }).expect(404);
  });

  it('a sync that changes another field moves the ETag and keeps the local edit', async () => {
    await mysql.query("UPDATE patient SET Address = '77 Changed Ave', DateTStamp = DateTStamp WHERE PatNum = ?", [patient.externalId]);
    await sync();
    const res = await t.http.get(`/api/v1/patients/${patient.id}`).set('Authorization', org.auth).expect(200);
    expect(res.headers.etag).not.toBe(etag);
    expect(res.body.data.addresses[0].line[0]).toBe('77 Changed Ave');
    expect(res.body.data.telecom).toEqual(PHONE);
    expect(res.body.edits.telecom).toMatchObject({ local: PHONE, source: patient.data.telecom });
    expect(Object.keys(res.body.edits).sort()).toEqual(['preferredName', 'telecom']);
  });

  it('appointments take edits of their own fields but not of their patient links', async () => {
    const appt = (await t.http.get('/api/v1/appointments?limit=1').set('Authorization', org.auth).expect(200)).body.data[0];
    const tag = (await t.http.get(`/api/v1/appointments/${appt.id}`).set('Authorization', org.auth).expect(200)).headers.etag;
    const bad = await patch(`/api/v1/appointments/${appt.id}`, { patient: { externalId: '1' } }, tag).expect(400);
    expect(bad.body.details[0].field).toBe('patient');
    const ok = await patch(`/api/v1/appointments/${appt.id}`, { comment: 'Bring x-rays' }, tag).expect(200);
    expect(ok.body.data.comment).toBe('Bring x-rays');
    expect(ok.body.edits.comment.source).toBe(appt.data.comment);
  });
});
