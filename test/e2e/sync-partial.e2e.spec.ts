import { Connection } from 'mysql2/promise';
import { mutateOpenDentalSandbox, openSandboxConnection } from '../../src/sandbox/opendental-db';
import { ensurePartialSandboxReader } from '../../src/sandbox/opendental-db/reader-user';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const NO_INSURANCE_DB = specDatabase('od_spec_no_insurance');
const PARTIAL_GRANT_DB = specDatabase('od_spec_partial_grant');
const INSURANCE_TABLES = ['patplan', 'inssub', 'insplan', 'carrier'];
const COMPLETE = ['providers', 'locations', 'patients', 'appointments'];

type Job = Record<string, any>;

/** Live rows the store must hold for the resources that do not depend on the dropped tables. */
async function expectedCounts(mysql: Connection): Promise<Record<string, number>> {
  const one = async (sql: string) => Number(((await mysql.query(sql))[0] as Array<{ n: number }>)[0].n);
  return {
    patients: await one("SELECT count(*) n FROM patient WHERE PatStatus <> 4 AND Birthdate > '0001-01-01'"),
    providers: await one('SELECT count(*) n FROM provider WHERE ProvStatus = 0'),
    locations: await one('SELECT count(*) n FROM operatory'),
    appointments: await one('SELECT count(*) n FROM appointment WHERE AptStatus NOT IN (7, 8)'),
  };
}

async function sync(t: TestApp, auth: string, integrationId: string, mode: 'full' | 'incremental'): Promise<Job> {
  const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode }).expect(202);
  return waitForJob(t, auth, created.body.id);
}

describe('per-resource outcomes: an OpenDental database without the insurance and document tables', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let integrationId: string;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;

  beforeAll(async () => {
    sandbox = await buildSandbox(NO_INSURANCE_DB, 300);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, NO_INSURANCE_DB);
    for (const table of [...INSURANCE_TABLES, 'document']) await mysql.query(`DROP TABLE ${table}`);
    t = await bootApp();
    org = await createOrg(t);
    integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('a plain full sync ends partially_succeeded: the four readable resources complete, coverages and documents fail with resource_not_found', async () => {
    const job = await sync(t, org.auth, integrationId, 'full');
    expect(job.status).toBe('partially_succeeded');
    expect(job.errorCode).toBeNull();
    const expected = await expectedCounts(mysql);
    for (const resource of COMPLETE) {
      expect(job.progress[resource]).toMatchObject({ done: true, outcome: 'completed', stored: expected[resource] });
      expect(job.progress[resource].errorCode).toBeUndefined();
    }
    expect(job.progress.coverages).toMatchObject({ done: true, outcome: 'failed', errorCode: 'resource_not_found', fetched: 0 });
    expect(job.progress.coverages.errorMessage).toMatch(/table (patplan|inssub|insplan|carrier) does not exist .*ER_NO_SUCH_TABLE/);
    expect(job.progress.documents).toMatchObject({ done: true, outcome: 'failed', errorCode: 'resource_not_found', fetched: 0 });
    expect(job.progress.documents.errorMessage).toMatch(/table document does not exist .*ER_NO_SUCH_TABLE/);
    // The message names the table and the code, never the database or the login.
    expect(job.progress.documents.errorMessage).not.toContain(NO_INSURANCE_DB);
    expect(job.progress.documents.errorMessage).not.toContain(sandbox.username);

    const patients = await t.http.get('/api/v1/patients?limit=500').set('Authorization', org.auth).expect(200);
    expect(patients.body.data).toHaveLength(expected.patients);
    expect((await t.http.get('/api/v1/coverages').set('Authorization', org.auth).expect(200)).body.data).toEqual([]);

    const audit = await t.http.get(`/api/v1/audit-events?targetId=${job.id}`).set('Authorization', org.auth).expect(200);
    const failed = audit.body.data.filter((e: { action: string }) => e.action === 'sync_job.resource_failed');
    expect(failed.map((e: { details: { resource: string } }) => e.details.resource).sort()).toEqual(['coverages', 'documents']);
    const completed = audit.body.data.find((e: { action: string }) => e.action === 'sync_job.completed');
    expect(completed.details.status).toBe('partially_succeeded');

    // A partial sync counts as a sync (freshness): lastSyncedAt moves, health stays healthy, lastError names what was not read.
    const integration = await t.http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(integration.body.lastSyncedAt).not.toBeNull();
    expect(integration.body.healthStatus).toBe('healthy');
    expect(integration.body.lastError).toBe('Last sync could not read: coverages (resource_not_found), documents (resource_not_found)');
  });

  it('the connection test reports the same readability per resource', async () => {
    const res = await t.http.post(`/api/v1/integrations/${integrationId}/test`).set('Authorization', org.auth).expect(200);
    expect(res.body.ok).toBe(true);
    for (const resource of COMPLETE) expect(res.body.resources[resource]).toEqual({ readable: true });
    expect(res.body.resources.coverages).toMatchObject({ readable: false, code: 'resource_not_found' });
    expect(res.body.resources.coverages.message).toMatch(/table patplan does not exist/);
    expect(res.body.resources.documents).toMatchObject({ readable: false, code: 'resource_not_found' });
    expect(res.body.resources.documents.message).toMatch(/table document does not exist/);
  });

  it('an incremental sync afterwards applies the changes and reports the same failures', async () => {
    const changes = await mutateOpenDentalSandbox({
      mysqlUrl: sandbox.mysqlUrl, database: NO_INSURANCE_DB, seed: 5, updatePatients: 4, addPatients: 3, deletePatients: 2, updateAppointments: 3, deleteAppointments: 2,
    });
    await new Promise((r) => setTimeout(r, 1100)); // DateTStamp is per second; the current second is left to the next run
    const job = await sync(t, org.auth, integrationId, 'incremental');
    expect(job.status).toBe('partially_succeeded');
    const expected = await expectedCounts(mysql);
    for (const resource of COMPLETE) expect(job.progress[resource]).toMatchObject({ outcome: 'completed', stored: expected[resource] });
    expect(job.progress.patients.deleted).toBe(changes.deletedPatNums.length);
    expect(job.progress.appointments.deleted).toBe(changes.deletedAptNums.length);
    expect(job.progress.coverages).toMatchObject({ outcome: 'failed', errorCode: 'resource_not_found' });
    expect(job.progress.documents).toMatchObject({ outcome: 'failed', errorCode: 'resource_not_found' });
    for (const patNum of changes.addedPatNums) {
      expect((await t.http.get(`/api/v1/patients?externalId=${patNum}`).set('Authorization', org.auth).expect(200)).body.data).toHaveLength(1);
    }
  });

  it('a job of unreadable resources only fails, with the provider code of the first', async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth)
      .send({ integrationId, mode: 'full', resources: ['coverages', 'documents'] }).expect(202);
    const job = await waitForJob(t, org.auth, created.body.id);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('PROVIDER_RESOURCE_NOT_FOUND');
    expect(job.errorMessage).toMatch(/^No resource could be read \(coverages, documents\): The OpenDental table \w+ does not exist/);
    expect(job.progress.coverages.outcome).toBe('failed');
  });
});

describe('per-resource outcomes: a reader user without the grant on the document table', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let integrationId: string;

  beforeAll(async () => {
    const sandbox = await buildSandbox(PARTIAL_GRANT_DB, 200);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, PARTIAL_GRANT_DB);
    const reader = await ensurePartialSandboxReader(sandbox.mysqlUrl, PARTIAL_GRANT_DB, `${process.env.TEST_DB_PREFIX ?? ''}partial_reader`, ['document']);
    t = await bootApp();
    org = await createOrg(t);
    integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(reader)).expect(201)).body.id;
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('a full sync ends partially_succeeded with documents resource_forbidden and coverages complete', async () => {
    const job = await sync(t, org.auth, integrationId, 'full');
    expect(job.status).toBe('partially_succeeded');
    const expected = await expectedCounts(mysql);
    for (const resource of COMPLETE) expect(job.progress[resource]).toMatchObject({ outcome: 'completed', stored: expected[resource] });
    expect(job.progress.coverages.outcome).toBe('completed');
    const [patplans] = await mysql.query('SELECT count(*) n FROM patplan');
    expect(job.progress.coverages.fetched).toBe(Number((patplans as Array<{ n: number }>)[0].n));
    expect(job.progress.coverages.stored).toBeGreaterThan(0);
    expect(job.progress.documents).toMatchObject({ done: true, outcome: 'failed', errorCode: 'resource_forbidden', fetched: 0 });
    expect(job.progress.documents.errorMessage).toMatch(/may not read the OpenDental table document \(ER_TABLEACCESS_DENIED_ERROR\)/);
    expect(job.progress.documents.errorMessage).not.toContain('partial_reader');

    const test = await t.http.post(`/api/v1/integrations/${integrationId}/test`).set('Authorization', org.auth).expect(200);
    expect(test.body.resources.coverages).toEqual({ readable: true });
    expect(test.body.resources.documents).toMatchObject({ readable: false, code: 'resource_forbidden' });
  });

  it('GET /coverages pages every stored coverage once, filters by patient, and GET /coverages/:id answers the record', async () => {
    const job = (await t.http.get(`/api/v1/sync/jobs?integrationId=${integrationId}`).set('Authorization', org.auth).expect(200)).body.data[0];
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const res: { body: { data: Array<{ id: string; resourceType: string; patientId: string | null }>; nextCursor: string | null } } =
        await t.http.get(`/api/v1/coverages?limit=37${cursor ? `&cursor=${cursor}` : ''}`).set('Authorization', org.auth).expect(200);
      for (const c of res.body.data) {
        expect(seen.has(c.id)).toBe(false);
        expect(c.resourceType).toBe('coverages');
        seen.add(c.id);
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(job.progress.coverages.stored);

    const first = (await t.http.get('/api/v1/coverages?limit=1').set('Authorization', org.auth).expect(200)).body.data[0];
    expect(first.patientId).toEqual(expect.any(String));
    const ofPatient = await t.http.get(`/api/v1/coverages?patientId=${first.patientId}`).set('Authorization', org.auth).expect(200);
    expect(ofPatient.body.data.map((c: { id: string }) => c.id)).toContain(first.id);
    for (const c of ofPatient.body.data) expect(c.patientId).toBe(first.patientId);
    const byExternal = await t.http.get(`/api/v1/coverages?externalId=${first.externalId}&integrationId=${integrationId}`).set('Authorization', org.auth).expect(200);
    expect(byExternal.body.data.map((c: { id: string }) => c.id)).toEqual([first.id]);
    const one = await t.http.get(`/api/v1/coverages/${first.id}`).set('Authorization', org.auth).expect(200);
    expect(one.body).toMatchObject({ id: first.id, externalId: first.externalId, resourceType: 'coverages' });
    expect(one.body.raw).toEqual(expect.any(Object));
    const future = await t.http.get('/api/v1/coverages?updatedSince=2999-01-01T00:00:00Z').set('Authorization', org.auth).expect(200);
    expect(future.body.data).toEqual([]);
  });

  it.each([
    ['documents', 'patientId=not-a-uuid', 'patientId'],
    ['coverages', 'updatedSince=yesterday', 'updatedSince'],
    ['balances', 'limit=0', 'limit'],
    ['coverages', 'includeDeleted=maybe', 'includeDeleted'],
    ['documents', 'cursor=%21%21', 'cursor'],
    ['balances', 'status=booked', 'status'],
  ])('GET /%s?%s answers 400 naming %s', async (resource, query, field) => {
    const res = await t.http.get(`/api/v1/${resource}?${query}`).set('Authorization', org.auth).expect(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('GET /documents and /balances/:id of an unknown id answer 404', async () => {
    expect((await t.http.get('/api/v1/documents').set('Authorization', org.auth).expect(200)).body.data).toEqual([]);
    await t.http.get('/api/v1/balances/00000000-0000-4000-8000-000000000000').set('Authorization', org.auth).expect(404);
    await t.http.get('/api/v1/documents/not-a-uuid').set('Authorization', org.auth).expect(400);
  });
});
