import { Connection } from 'mysql2/promise';
import { Pool } from 'pg';
import { PG_POOL } from '../../src/database/database.module';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_transforms');

/**
 * Transformation rules in the sync write path, on a real sync of the OpenDental DB sandbox:
 * rules (stored in transformation_rules) run after the vendor mapper and before the write;
 * a rule that throws fails that one record, recorded like other per-record errors.
 */
describe('transformation rules in a real OpenDental DB sync', () => {
  let t: TestApp;
  let org: { id: string; auth: string };
  let mysql: Connection;
  let pool: Pool;
  let integrationId: string;
  let phonePat: string;
  let failPat: string;

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 60);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    const [rows] = await mysql.query("SELECT PatNum FROM patient WHERE PatStatus <> 4 AND Birthdate > '0001-01-01' ORDER BY PatNum LIMIT 2");
    [phonePat, failPat] = (rows as Array<{ PatNum: number }>).map((r) => String(r.PatNum));
    // DateTStamp kept: a row stamped just now would fall in the reader's settle window and wait for the next sync.
    await mysql.query("UPDATE patient SET HmPhone = '503.555.0101', WkPhone = '', WirelessPhone = '', DateTStamp = DateTStamp WHERE PatNum = ?", [phonePat]);
    t = await bootApp();
    pool = t.app.get<Pool>(PG_POOL);
    org = await createOrg(t);
    const res = await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201);
    integrationId = res.body.id;
    const rule = (field: string, type: string, params: object, position: number) => pool.query(
      `INSERT INTO transformation_rules (organization_id, integration_id, resource_type, field, type, params, position)
       VALUES ($1, $2, 'patients', $3, $4, $5, $6)`, [org.id, integrationId, field, type, JSON.stringify(params), position]);
    const mappings = `/api/v1/integrations/${integrationId}/field-mappings`;
    await t.http.post(mappings).set('Authorization', org.auth).send({ resourceType: 'patients', target: 'language', source: '"lang-" & LName' }).expect(201);
    await rule('telecom.value', 'phone_e164', { defaultRegion: 'US' }, 1);
    await rule('sourceStatus', 'value_map', { map: { Patient: 'Active patient' } }, 2);
    await rule('displayName', 'expression', { expression: '$uppercase($)' }, 3);
    await rule('preferredName', 'expression', { expression: `$externalId = "${failPat}" ? $error("refused") : $` }, 4);
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  const stored = async (externalId: string) => (await pool.query<{ data: Record<string, any> }>(
    "SELECT data FROM records WHERE integration_id = $1 AND resource_type = 'patients' AND external_id = $2", [integrationId, externalId])).rows[0]?.data;

  it('applies phone_e164, value_map and expression rules, and fails only the record whose rule throws', async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    const job = await waitForJob(t, org.auth, created.body.id);
    expect(job.status).toBe('partially_succeeded');

    const patient = await stored(phonePat);
    expect(patient.telecom.filter((c: { system: string }) => c.system === 'phone').map((c: { value: string }) => c.value)).toEqual(['+15035550101']);
    expect(patient.displayName).toBe(patient.displayName.toUpperCase());
    expect(await stored(failPat)).toBeUndefined();
    const raw = (await pool.query("SELECT raw FROM records WHERE integration_id = $1 AND resource_type = 'patients' AND external_id = $2", [integrationId, phonePat])).rows[0].raw;
    expect(patient.language).toBe(`lang-${raw.LName}`);

    const errors = await t.http.get(`/api/v1/sync/jobs/${job.id}/errors?limit=500`).set('Authorization', org.auth).expect(200);
    const failed = errors.body.data.filter((e: { code: string }) => e.code === 'transformation_failed');
    expect(failed.map((e: { externalId: string }) => e.externalId)).toEqual([failPat]);
    expect(failed[0].message).toMatch(/expression on preferredName\) failed/);
    expect(job.progress.patients.failed).toBeGreaterThanOrEqual(1);

    const all = (await pool.query<{ data: Record<string, any> }>(
      "SELECT data FROM records WHERE integration_id = $1 AND resource_type = 'patients'", [integrationId])).rows;
    expect(all.length).toBe(job.progress.patients.added);
    expect(all.length).toBeGreaterThan(10);
    for (const { data } of all) {
      expect(data.sourceStatus).not.toBe('Patient');
      for (const c of data.telecom) if (c.system === 'phone') expect(c.value).toMatch(/^\+\d{8,15}$/);
    }
    expect(all.some(({ data }) => data.sourceStatus === 'Active patient')).toBe(true);
  });

  it('POST validates each rule: 400 names the field or the bad parameter', async () => {
    const url = `/api/v1/integrations/${integrationId}/transformation-rules`;
    const bad: Array<[object, string]> = [
      [{ resourceType: 'patients', field: 'telecom.number', type: 'trim' }, 'field'],
      [{ resourceType: 'patients', field: 'names.family', type: 'case', params: { mode: 'shout' } }, 'params.mode'],
      [{ resourceType: 'patients', field: 'sourceStatus', type: 'regex_replace', params: { pattern: '([a-' } }, 'params.pattern'],
      [{ resourceType: 'patients', field: 'displayName', type: 'expression', params: { expression: '$uppercase(' } }, 'params.expression'],
      [{ resourceType: 'patients', field: 'telecom.value', type: 'phone_e164', params: { defaultRegion: 'ZZ' } }, 'params.defaultRegion'],
      [{ resourceType: 'patients', field: 'language', type: 'soundex' }, 'type'],
    ];
    for (const [body, field] of bad) {
      const res = await t.http.post(url).set('Authorization', org.auth).send(body).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it('GET/POST/PATCH/DELETE rules, and another organization gets 404', async () => {
    const url = `/api/v1/integrations/${integrationId}/transformation-rules`;
    const created = await t.http.post(url).set('Authorization', org.auth)
      .send({ resourceType: 'patients', field: 'language', type: 'case', params: { mode: 'upper' }, order: 9 }).expect(201);
    expect(created.body).toMatchObject({ field: 'language', type: 'case', order: 9, enabled: true });
    const patched = await t.http.patch(`${url}/${created.body.id}`).set('Authorization', org.auth).send({ enabled: false }).expect(200);
    expect(patched.body.enabled).toBe(false);
    await t.http.patch(`${url}/${created.body.id}`).set('Authorization', org.auth).send({ params: { mode: 'loud' } }).expect(400);
    const listed = await t.http.get(url).set('Authorization', org.auth).expect(200);
    expect(listed.body.map((r: { id: string }) => r.id)).toContain(created.body.id);

    const other = await createOrg(t, 'Other Dental');
    await t.http.get(url).set('Authorization', other.auth).expect(404);
    await t.http.post(url).set('Authorization', other.auth).send({ resourceType: 'patients', field: 'language', type: 'trim' }).expect(404);
    await t.http.patch(`${url}/${created.body.id}`).set('Authorization', other.auth).send({ enabled: true }).expect(404);
    await t.http.delete(`${url}/${created.body.id}`).set('Authorization', other.auth).expect(404);

    await t.http.delete(`${url}/${created.body.id}`).set('Authorization', org.auth).expect(204);
    await t.http.delete(`${url}/${created.body.id}`).set('Authorization', org.auth).expect(404);
  });

  it('preview shows before and after for one stored record without writing it', async () => {
    const url = `/api/v1/integrations/${integrationId}/transformation-rules/preview`;
    const version = async () => (await pool.query("SELECT version FROM records WHERE integration_id = $1 AND external_id = $2 AND resource_type = 'patients'", [integrationId, phonePat])).rows[0].version;
    const v0 = await version();
    const res = await t.http.post(url).set('Authorization', org.auth).send({ resourceType: 'patients', externalId: phonePat }).expect(200);
    const phones = (d: { telecom: Array<{ system: string; value: string }> }) => d.telecom.filter((c) => c.system === 'phone').map((c) => c.value);
    expect(phones(res.body.before)).toEqual(['503.555.0101']);
    expect(phones(res.body.after)).toEqual(['+15035550101']);
    expect(res.body.changedFields).toEqual(expect.arrayContaining(['telecom', 'displayName']));
    expect(res.body.error).toBeNull();
    expect(await version()).toBe(v0);

    const failing = await t.http.post(url).set('Authorization', org.auth).send({ resourceType: 'patients', externalId: phonePat.replace(/.*/, '999999') }).expect(404);
    expect(failing.body.message).toBe('Record not found');
    await t.http.post(url).set('Authorization', org.auth).send({ resourceType: 'patients' }).expect(400);
    const other = await createOrg(t, 'Third Dental');
    await t.http.post(url).set('Authorization', other.auth).send({ resourceType: 'patients', externalId: phonePat }).expect(404);
  });

  async function reapply(): Promise<Record<string, any>> {
    const base = `/api/v1/integrations/${integrationId}/transformation-rules`;
    const started = await t.http.post(`${base}/reapply`).set('Authorization', org.auth).expect(202);
    expect(started.body.status).toBe('queued');
    for (;;) { // ends when the run does (the spec's timeout bounds it)
      const run = await t.http.get(`${base}/runs/${started.body.id}`).set('Authorization', org.auth).expect(200);
      if (['succeeded', 'partially_succeeded', 'failed'].includes(run.body.status)) return run.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('reapply after a rule change rewrites only the records it changes, from raw, on the data-transformation queue', async () => {
    const versions = async () => new Map((await pool.query<{ external_id: string; resource_type: string; version: number; data: Record<string, any> }>(
      'SELECT external_id, resource_type, version, data FROM records WHERE integration_id = $1', [integrationId])).rows.map((r) => [`${r.resource_type}/${r.external_id}`, r]));
    const before = await versions();
    const upper = [...before.values()].filter((r) => r.resource_type === 'patients' && /[a-z]/.test(String(r.data.displayName ?? '').toLowerCase()) && r.data.displayName);
    expect(upper.length).toBeGreaterThan(10);

    const rules = await t.http.get(`/api/v1/integrations/${integrationId}/transformation-rules`).set('Authorization', org.auth).expect(200);
    const uppercase = rules.body.find((r: { field: string }) => r.field === 'displayName');
    await t.http.patch(`/api/v1/integrations/${integrationId}/transformation-rules/${uppercase.id}`).set('Authorization', org.auth).send({ enabled: false }).expect(200);

    const run = await reapply();
    expect(run.status).toBe('succeeded');
    const after = await versions();
    const bumped = [...after.entries()].filter(([key, r]) => r.version !== before.get(key)!.version).map(([key]) => key).sort();
    expect(bumped).toEqual(upper.map((r) => `patients/${r.external_id}`).sort());
    expect(run.progress.rewritten).toBe(bumped.length);
    expect(run.progress.read).toBe(before.size);
    expect(run.progress.unchanged).toBe(before.size - bumped.length - run.progress.kept - run.progress.failed);
    expect(run.progress.unchanged).toBeGreaterThan(0);
    const phoneRecord = after.get(`patients/${phonePat}`)!;
    expect(phoneRecord.data.displayName).not.toBe(phoneRecord.data.displayName.toUpperCase());
    expect(phoneRecord.data.telecom.find((c: { system: string }) => c.system === 'phone').value).toBe('+15035550101');

    const again = await reapply();
    expect(again.progress.rewritten).toBe(0);
    const other = await createOrg(t, 'Fourth Dental');
    await t.http.post(`/api/v1/integrations/${integrationId}/transformation-rules/reapply`).set('Authorization', other.auth).expect(404);
    await t.http.get(`/api/v1/integrations/${integrationId}/transformation-rules/runs/${run.id}`).set('Authorization', other.auth).expect(404);
  });

  it('field mappings: 400 naming target or source, 409 on a second mapping of a target, 404 across organizations, DELETE', async () => {
    const url = `/api/v1/integrations/${integrationId}/field-mappings`;
    const bad = await t.http.post(url).set('Authorization', org.auth).send({ resourceType: 'patients', target: 'telecom.value', source: 'X' }).expect(400);
    expect(bad.body.details[0].field).toBe('target');
    const badSource = await t.http.post(url).set('Authorization', org.auth).send({ resourceType: 'patients', target: 'preferredName', source: '$substring(' }).expect(400);
    expect(badSource.body.details[0].field).toBe('source');
    await t.http.post(url).set('Authorization', org.auth).send({ resourceType: 'patients', target: 'language', source: 'LName' }).expect(409);
    const listed = await t.http.get(url).set('Authorization', org.auth).expect(200);
    expect(listed.body).toHaveLength(1);
    const other = await createOrg(t, 'Fifth Dental');
    await t.http.get(url).set('Authorization', other.auth).expect(404);
    await t.http.delete(`${url}/${listed.body[0].id}`).set('Authorization', other.auth).expect(404);
    await t.http.delete(`${url}/${listed.body[0].id}`).set('Authorization', org.auth).expect(204);
    expect((await t.http.get(url).set('Authorization', org.auth).expect(200)).body).toEqual([]);
  });
});
