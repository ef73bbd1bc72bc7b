import { NestExpressApplication } from '@nestjs/platform-express';
import { Connection } from 'mysql2/promise';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { buildSandbox, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_conflict_wb');
const CUSTOMER = `spec-conflict-wb-${process.pid}`;

/**
 * Two-way sync of a resolved conflict on the OpenDental API sandbox: a local edit and an office
 * change of the same field meet in a sync; use_local writes the local value back with
 * PUT /patients/{PatNum} (an update_patient action), reads it back and confirms it; a refusal
 * (a patient OpenDental has Deleted cannot be modified) keeps the conflict open with the reason;
 * an outbound sync job pushes the other local edits.
 */
describe('conflict resolution written back to the OpenDental API sandbox', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let auth: string;
  let integrationId: string;
  let mysql: Connection;
  const ids = new Map<string, string>();
  let pats: string[];

  const sync = async (direction = 'inbound') => {
    const job = (await http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode: 'full', direction }).expect(202)).body;
    for (const deadline = Date.now() + 60_000; ;) {
      const now = (await http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', auth).expect(200)).body;
      if (!['queued', 'running'].includes(now.status)) {
        expect(['succeeded', 'partially_succeeded']).toContain(now.status);
        return now;
      }
      if (Date.now() > deadline) throw new Error('sync did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const edit = async (patNum: string, body: object) => {
    const tag = (await http.get(`/api/v1/patients/${ids.get(patNum)}`).set('Authorization', auth).expect(200)).headers.etag;
    await http.patch(`/api/v1/patients/${ids.get(patNum)}`).set('Authorization', auth).set('If-Match', tag).send(body).expect(200);
  };
  const conflictOf = async (patNum: string) => {
    for (const deadline = Date.now() + 15_000; ;) {
      const [c] = (await http.get(`/api/v1/sync/conflicts?recordId=${ids.get(patNum)}`).set('Authorization', auth).expect(200)).body.data;
      if (c?.strategy) return c;
      if (Date.now() > deadline) throw new Error(`no decided conflict for ${patNum}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const preferred = async (patNum: string) => ((await mysql.query('SELECT Preferred FROM patient WHERE PatNum = ?', [patNum]))[0] as Array<{ Preferred: string }>)[0].Preferred;

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 30, 4);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    await app.get(OpenDentalApiSandbox).registerCustomer({ customerKey: CUSTOMER, database: DB, mode: 'local', minIntervalMs: 0 });
    http = request(app.getHttpServer());
    const org = await http.post('/api/v1/organizations').set('Authorization', `Bearer ${loadEnv().adminApiKey}`).send({ name: 'Two-way Dental' }).expect(201);
    auth = `Bearer ${org.body.apiKey.key}`;
    integrationId = (await http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-api', name: 'Cloud office', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${port}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
    }).expect(201)).body.id;
    await sync();
    const [rows] = await mysql.query("SELECT PatNum FROM patient WHERE PatStatus = 0 AND Birthdate > '0001-01-01' ORDER BY PatNum LIMIT 3");
    pats = (rows as Array<{ PatNum: number }>).map((r) => String(r.PatNum));
    for (const p of pats) ids.set(p, (await http.get(`/api/v1/patients?externalId=${p}`).set('Authorization', auth).expect(200)).body.data[0].id);
  });

  afterAll(async () => {
    await mysql?.end();
    await app?.close();
  });

  it('use_local writes the local value to the vendor, reads it back and drops the local edit; a refusal keeps the conflict open', async () => {
    const [p, q] = pats;
    await edit(p, { preferredName: 'Local Pref' });
    await edit(q, { preferredName: 'Local Q' });
    await mysql.query("UPDATE patient SET Preferred = 'Office Pref', DateTStamp = DateTStamp WHERE PatNum = ?", [p]);
    await mysql.query("UPDATE patient SET Preferred = 'Office Q', DateTStamp = DateTStamp WHERE PatNum = ?", [q]);
    await sync();

    const c = await conflictOf(p);
    expect(c).toMatchObject({ status: 'open', strategy: 'manual', local: { value: 'Local Pref' }, remote: { value: 'Office Pref' } });
    const done = (await http.post(`/api/v1/sync/conflicts/${c.id}/resolve`).set('Authorization', auth).send({ strategy: 'use_local' }).expect(200)).body;
    expect(done).toMatchObject({ status: 'resolved', resolution: 'use_local', writeBack: { status: 'written' }, current: { source: 'Local Pref', local: null } });
    expect(await preferred(p)).toBe('Local Pref');
    const record = (await http.get(`/api/v1/patients/${ids.get(p)}`).set('Authorization', auth).expect(200)).body;
    expect(record.data.preferredName).toBe('Local Pref');
    expect(record.edits).toEqual({});
    const action = (await http.get(`/api/v1/actions/${done.writeBack.actionId}`).set('Authorization', auth).expect(200)).body;
    expect(action).toMatchObject({ type: 'update_patient', status: 'succeeded' });

    const cq = await conflictOf(q);
    await mysql.query('UPDATE patient SET PatStatus = 4, DateTStamp = DateTStamp WHERE PatNum = ?', [q]);
    const refused = (await http.post(`/api/v1/sync/conflicts/${cq.id}/resolve`).set('Authorization', auth).send({ strategy: 'use_local' }).expect(409)).body;
    expect(refused.details.writeBack).toMatchObject({ status: 'refused' });
    const still = (await http.get(`/api/v1/sync/conflicts/${cq.id}`).set('Authorization', auth).expect(200)).body;
    expect(still).toMatchObject({ status: 'open', writeBack: { status: 'refused' } });
    expect(still.reason).toMatch(/^write-back refused/);
    expect(await preferred(q)).toBe('Office Q');
    expect((await http.get(`/api/v1/patients/${ids.get(q)}`).set('Authorization', auth).expect(200)).body.data.preferredName).toBe('Local Q');
  });

  it('an outbound sync job pushes local edits without an open conflict, reads them back and drops them', async () => {
    const [, q, r] = pats;
    const bad = await http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode: 'full', direction: 'sideways' }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['direction']);
    const before = (await http.get(`/api/v1/patients/${ids.get(r)}`).set('Authorization', auth).expect(200)).body;
    const telecom = before.data.telecom.map((c: { use: string; value: string }) => (c.use === 'mobile' ? { ...c, value: '503-555-0177' } : c));
    await edit(r, { preferredName: 'Pushed Name', telecom });

    const job = await sync('outbound');
    expect(job).toMatchObject({ direction: 'outbound', status: 'succeeded', progress: {} });
    // r is written; q has only a field with an open conflict: left to its resolution.
    expect(job.outbound).toEqual({ records: 2, written: 1, refused: 0, skipped: 1, done: true });
    const [rows] = await mysql.query('SELECT Preferred, WirelessPhone FROM patient WHERE PatNum = ?', [r]);
    expect((rows as Array<Record<string, string>>)[0]).toEqual({ Preferred: 'Pushed Name', WirelessPhone: '503-555-0177' });
    const after = (await http.get(`/api/v1/patients/${ids.get(r)}`).set('Authorization', auth).expect(200)).body;
    expect(after.edits).toEqual({});
    expect(after.data.preferredName).toBe('Pushed Name');
    expect((await http.get(`/api/v1/patients/${ids.get(q)}`).set('Authorization', auth).expect(200)).body.edits).toHaveProperty('preferredName');
  });
});
