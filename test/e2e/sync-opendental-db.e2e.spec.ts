import { Connection } from 'mysql2/promise';
import { mutateOpenDentalSandbox, openSandboxConnection } from '../../src/sandbox/opendental-db';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_sync');

/** Live rows the store must hold, computed from the source with OpenDental's own rules. */
async function expectedCounts(mysql: Connection): Promise<Record<string, number>> {
  const one = async (sql: string) => Number(((await mysql.query(sql))[0] as Array<{ n: number }>)[0].n);
  return {
    patients: await one("SELECT count(*) n FROM patient WHERE PatStatus <> 4 AND Birthdate > '0001-01-01'"),
    providers: await one('SELECT count(*) n FROM provider WHERE ProvStatus = 0'),
    locations: await one('SELECT count(*) n FROM operatory'),
    appointments: await one('SELECT count(*) n FROM appointment WHERE AptStatus NOT IN (7, 8)'),
  };
}

describe('opendental-db: full then incremental sync through the API and the BullMQ worker', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let integrationId: string;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;

  beforeAll(async () => {
    sandbox = await buildSandbox(DB, 400);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    t = await bootApp();
    org = await createOrg(t);
    const res = await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201);
    integrationId = res.body.id;
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('a full sync stores exactly the rows OpenDental says are live, and skips patients without a birth date with a reason', async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    expect(created.body.status).toBe('queued');
    const job = await waitForJob(t, org.auth, created.body.id);
    expect(job.status).toBe('succeeded');
    const expected = await expectedCounts(mysql);
    for (const [resource, count] of Object.entries(expected)) expect(job.progress[resource].stored).toBe(count);
    expect(job.progress.patients.fetched).toBe(400);
    expect(job.progress.patients.added).toBe(expected.patients);

    const errors = await t.http.get(`/api/v1/sync/jobs/${job.id}/errors?limit=500`).set('Authorization', org.auth).expect(200);
    const missing = errors.body.data.filter((e: { code: string }) => e.code === 'missing_birthdate');
    const [rows] = await mysql.query("SELECT count(*) n FROM patient WHERE Birthdate = '0001-01-01' AND PatStatus <> 4");
    expect(missing).toHaveLength(Number((rows as Array<{ n: number }>)[0].n));
    expect(missing.length).toBeGreaterThan(0);

    const list = await t.http.get('/api/v1/patients?limit=500').set('Authorization', org.auth).expect(200);
    expect(list.body.data).toHaveLength(expected.patients);
  });

  it('an unchanged re-sync rewrites nothing', async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    const job = await waitForJob(t, org.auth, created.body.id);
    expect(job.status).toBe('succeeded');
    expect(job.progress.patients.added + job.progress.patients.updated).toBe(0);
    expect(job.progress.appointments.added + job.progress.appointments.updated).toBe(0);
    expect(job.progress.patients.unchanged).toBeGreaterThan(0);
  });

  it('an incremental sync applies edits, new patients, Deleted patients and deleted appointments', async () => {
    const changes = await mutateOpenDentalSandbox({
      mysqlUrl: sandbox.mysqlUrl, database: DB, seed: 11, updatePatients: 6, addPatients: 4, deletePatients: 3, updateAppointments: 5, deleteAppointments: 4,
    });
    await new Promise((r) => setTimeout(r, 1100)); // DateTStamp is per second; the current second is left to the next run
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'incremental' }).expect(202);
    const job = await waitForJob(t, org.auth, created.body.id);
    expect(job.status).toBe('succeeded');
    const expected = await expectedCounts(mysql);
    for (const [resource, count] of Object.entries(expected)) expect(job.progress[resource].stored).toBe(count);
    expect(job.progress.patients.deleted).toBe(changes.deletedPatNums.length);
    expect(job.progress.appointments.deleted).toBe(changes.deletedAptNums.length);

    for (const patNum of changes.updatedPatNums) {
      const [src] = await mysql.query('SELECT Email, WirelessPhone, Address FROM patient WHERE PatNum = ?', [patNum]);
      const source = (src as Array<Record<string, string>>)[0];
      const res = await t.http.get(`/api/v1/patients?externalId=${patNum}&includeDeleted=true`).set('Authorization', org.auth).expect(200);
      if (!res.body.data.length) continue; // a patient without a birth date is skipped, by rule
      const telecom = res.body.data[0].data.telecom as Array<{ system: string; value: string }>;
      expect(telecom.find((c) => c.system === 'email')?.value ?? null).toBe(source.Email || null);
      expect(res.body.data[0].data.addresses[0]?.line[0] ?? null).toBe(source.Address || null);
      expect(res.body.data[0].version).toBeGreaterThan(1);
    }
    for (const patNum of changes.deletedPatNums) {
      const listed = await t.http.get(`/api/v1/patients?externalId=${patNum}`).set('Authorization', org.auth).expect(200);
      expect(listed.body.data).toHaveLength(0);
      const withDeleted = await t.http.get(`/api/v1/patients?externalId=${patNum}&includeDeleted=true`).set('Authorization', org.auth).expect(200);
      if (!withDeleted.body.data.length) continue;
      expect(withDeleted.body.data[0].deletedAt).not.toBeNull();
      const byId = await t.http.get(`/api/v1/patients/${withDeleted.body.data[0].id}`).set('Authorization', org.auth).expect(200);
      expect(byId.body.deletedAt).not.toBeNull();
    }
    for (const aptNum of changes.deletedAptNums) {
      const res = await t.http.get(`/api/v1/appointments?externalId=${aptNum}&includeDeleted=true`).set('Authorization', org.auth).expect(200);
      if (!res.body.data.length) continue; // a PtNote row is never stored
      expect(res.body.data[0].deletedAt).not.toBeNull();
    }
    for (const patNum of changes.addedPatNums) {
      const res = await t.http.get(`/api/v1/patients?externalId=${patNum}`).set('Authorization', org.auth).expect(200);
      expect(res.body.data).toHaveLength(1);
    }
  });

  it('appointments link to their patient and filter by patient, date and status', async () => {
    const [rows] = await mysql.query('SELECT a.AptNum, a.PatNum FROM appointment a JOIN patient p ON p.PatNum = a.PatNum WHERE a.AptStatus = 1 AND p.PatStatus = 0 AND p.Birthdate > \'0001-01-01\' LIMIT 1');
    const { AptNum, PatNum } = (rows as Array<{ AptNum: number; PatNum: number }>)[0];
    const patient = (await t.http.get(`/api/v1/patients?externalId=${PatNum}`).set('Authorization', org.auth).expect(200)).body.data[0];
    const appts = await t.http.get(`/api/v1/appointments?patientId=${patient.id}&status=booked`).set('Authorization', org.auth).expect(200);
    expect(appts.body.data.map((a: { externalId: string }) => a.externalId)).toContain(String(AptNum));
    for (const a of appts.body.data) expect(a.patientId).toBe(patient.id);
  });

  it('gives assistants a Markdown context of a patient without the SSN', async () => {
    const [rows] = await mysql.query("SELECT PatNum, FName, LName, Preferred, SSN FROM patient WHERE PatStatus = 0 AND Birthdate > '0001-01-01' AND LENGTH(SSN) >= 9 LIMIT 1");
    const src = (rows as Array<Record<string, string>>)[0];
    const patient = (await t.http.get(`/api/v1/patients?externalId=${src.PatNum}`).set('Authorization', org.auth).expect(200)).body.data[0];
    const res = await t.http.get(`/api/v1/patients/${patient.id}/context`).set('Authorization', org.auth).expect(200);
    expect(res.body.markdown).toContain(`# ${src.Preferred || src.FName} ${src.LName}`);
    expect(res.body.markdown).toContain('## Upcoming appointments');
    const digits = src.SSN.replace(/\D/g, '');
    expect(res.body.markdown).not.toContain(digits);
    expect(res.body.markdown).not.toContain(digits.slice(-4));
  });

  it('lists page with an opaque cursor and never repeat a record', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/appointments?limit=97${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.http.get(url).set('Authorization', org.auth).expect(200);
      for (const a of res.body.data) {
        expect(seen.has(a.id)).toBe(false);
        seen.add(a.id);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    const expected = await expectedCounts(mysql);
    expect(seen.size).toBe(expected.appointments);
  });

  it('statistics count the jobs of the day', async () => {
    const res = await t.http.get(`/api/v1/sync/statistics?integrationId=${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(res.body[0].jobs).toBe(3);
    expect(res.body[0].succeeded).toBe(3);
    expect(res.body[0].recordsProcessed).toBeGreaterThan(400);
  });
});
