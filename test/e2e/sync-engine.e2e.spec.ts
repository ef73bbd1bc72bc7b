import { Connection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { OpenDentalDbAdapter } from '../../src/providers/opendental-db/opendental-db.adapter';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_engine');

describe('sync engine: limits, cancel, retry, conflicts, keyset boundaries', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);

  beforeAll(async () => {
    process.env.SYNC_BATCH_SIZE = '50';
    sandbox = await buildSandbox(DB, 300, 5);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    t = await bootApp();
    org = await createOrg(t, 'Engine Dental');
  });

  afterAll(async () => {
    delete process.env.SYNC_BATCH_SIZE;
    await mysql?.end();
    await t?.close();
  });

  async function newIntegration(name: string): Promise<string> {
    return (await post('/api/v1/integrations', { ...integrationBody(sandbox), name }).expect(201)).body.id;
  }

  it('limit caps rows per resource and the next run continues where it stopped', async () => {
    const id = await newIntegration('limited');
    const first = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full', resources: ['patients'], limit: 120 }).expect(202)).body.id);
    expect(first.status).toBe('succeeded');
    expect(first.progress.patients.fetched).toBe(120);
    const second = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full', resources: ['patients'], limit: 120 }).expect(202)).body.id);
    expect(second.progress.patients.fetched).toBe(120);
    expect(second.progress.patients.unchanged).toBe(0); // continued, did not start over
    const third = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full', resources: ['patients'] }).expect(202)).body.id);
    expect(third.progress.patients.fetched).toBe(60);
    const [rows] = await mysql.query("SELECT count(*) n FROM patient WHERE PatStatus <> 4 AND Birthdate > '0001-01-01'");
    expect(third.progress.patients.stored).toBe(Number((rows as Array<{ n: number }>)[0].n));
    // The pass is complete: an incremental run now finds nothing new.
    const fourth = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'incremental', resources: ['patients'] }).expect(202)).body.id);
    expect(fourth.progress.patients.fetched).toBe(0);
  });

  it('answers 409 while a job is active or the integration is disabled', async () => {
    const id = await newIntegration('busy');
    const job = (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full' }).expect(202)).body;
    const second = await post('/api/v1/sync/jobs', { integrationId: id, mode: 'incremental' }).expect(409);
    expect(second.body.error).toBe('SYNC_JOB_ALREADY_SYNCING');
    await waitForJob(t, org.auth, job.id);
    await post(`/api/v1/integrations/${id}/toggle`, { enabled: false }).expect(200);
    const disabled = await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full' }).expect(409);
    expect(disabled.body.error).toBe('SYNC_JOB_INTEGRATION_DISABLED');
    const unsupported = await post(`/api/v1/integrations/${id}/toggle`, { enabled: true }).expect(200);
    expect(unsupported.body.enabled).toBe(true);
    const bad = await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full', resources: ['balances'] }).expect(400);
    expect(bad.body.message).toContain('resources');
  });

  it('cancels a running job between batches, and a retry resumes from the checkpoint', async () => {
    const id = await newIntegration('cancelled');
    const job = (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full', resources: ['appointments'] }).expect(202)).body;
    for (let i = 0; i < 400; i++) {
      const res = await t.http.get(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth);
      if ((res.body.progress.appointments?.fetched ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const cancelled = await t.http.delete(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(200);
    expect(cancelled.body.cancelRequestedAt).not.toBeNull();
    const done = await waitForJob(t, org.auth, job.id);
    expect(done.status).toBe('cancelled');
    const [counted] = await mysql.query('SELECT (SELECT count(*) FROM appointment) + (SELECT count(*) FROM deletedobject WHERE ObjectType = 0) AS n');
    const total = Number((counted as Array<{ n: number }>)[0].n); // appointment rows plus tombstones
    expect(done.progress.appointments.fetched).toBeLessThan(total);
    await t.http.delete(`/api/v1/sync/jobs/${job.id}`).set('Authorization', org.auth).expect(409);

    const retried = (await post(`/api/v1/sync/jobs/${job.id}/retry`).expect(202)).body;
    expect(retried.retryOf).toBe(job.id);
    const finished = await waitForJob(t, org.auth, retried.id);
    expect(finished.status).toBe('succeeded');
    expect(finished.progress.appointments.fetched + done.progress.appointments.fetched).toBe(total);
    expect(finished.progress.appointments.unchanged).toBe(0);
    await post(`/api/v1/sync/jobs/${retried.id}/retry`).expect(409); // succeeded jobs are not retried
  });

  it('retries a temporary failure (server unreachable) after 2 s, 4 s and 8 s, then fails with the reason', async () => {
    const body = integrationBody(sandbox) as { config: Record<string, unknown> };
    const id = (await post('/api/v1/integrations', { ...body, name: 'unreachable', config: { ...body.config, port: 1 } }).expect(201)).body.id;
    const job = (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full', resources: ['providers'] }).expect(202)).body;
    const done = await waitForJob(t, org.auth, job.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.errorCode).toBe('PROVIDER_CONNECTION_FAILED');
    expect(done.attempts).toBe(4);
    expect(done.errorMessage).toContain('Could not reach the database server');
    // Three backoffs of 2, 4 and 8 seconds separate the first and the last attempt.
    expect(done.durationMs).toBeGreaterThanOrEqual(14_000);
  });

  it('three rows sharing one DateTStamp across a batch boundary are all read', async () => {
    const [rows] = await mysql.query('SELECT PatNum FROM patient WHERE PatStatus = 0 AND Birthdate > \'0001-01-01\' ORDER BY PatNum LIMIT 5');
    const ids = (rows as Array<{ PatNum: number }>).map((r) => r.PatNum);
    await mysql.query("UPDATE patient SET DateTStamp = '2001-01-01 00:00:00' WHERE PatNum IN (?)", [ids.slice(0, 3)]);
    await mysql.query("UPDATE patient SET DateTStamp = '2000-12-31 23:59:59' WHERE PatNum = ?", [ids[3]]);
    const adapter = new OpenDentalDbAdapter();
    const body = integrationBody(sandbox) as { config: Record<string, unknown>; credentials: Record<string, string> };
    const ctx = { organizationId: 'o', integrationId: 'i', environment: 'sandbox' as const, config: body.config, credentials: body.credentials };
    // Start just before the shared second, two rows per batch: the boundary falls between the three.
    const seen: string[][] = [];
    for await (const batch of adapter.read(ctx, { resource: 'patients', checkpoint: { patient: { ts: '2000-12-31 23:59:59', pk: String(ids[3]) } }, batchSize: 2, limit: 4 })) {
      seen.push(batch.records.map((r) => r.externalId));
    }
    expect(seen[0]).toEqual(ids.slice(0, 2).map(String));
    expect(seen[1][0]).toBe(String(ids[2]));
    // Resuming from the first batch's checkpoint also finds the third row.
    const resumed: string[] = [];
    for await (const batch of adapter.read(ctx, { resource: 'patients', checkpoint: { patient: { ts: '2001-01-01 00:00:00', pk: String(ids[1]) } }, batchSize: 2, limit: 1 })) {
      resumed.push(...batch.records.map((r) => r.externalId));
    }
    expect(resumed).toEqual([String(ids[2])]);
  });

  it('a job that grew records by 1,000 rows or more ends with fresh planner statistics; a quiet incremental leaves them', async () => {
    const db = t.app.get(DataSource);
    const statistics = async () => {
      const [{ reltuples }] = await db.query("SELECT reltuples::bigint AS reltuples FROM pg_class WHERE relname = 'records'");
      const [{ n }] = await db.query('SELECT count(*)::bigint AS n FROM records');
      return { estimated: Number(reltuples), actual: Number(n) };
    };
    // Autovacuum off for this table, so only the sync can refresh the estimate (restored below).
    await db.query('ALTER TABLE records SET (autovacuum_enabled = false)');
    try {
      const id = await newIntegration('statistics');
      // A planner estimate far from the truth (tests run as a superuser): only an ANALYZE can correct it.
      await db.query("UPDATE pg_class SET reltuples = 1 WHERE relname = 'records'");
      const full = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'full' }).expect(202)).body.id);
      expect(full.status).toBe('succeeded');
      const added = Object.values(full.progress as Record<string, { added: number }>).reduce((n, p) => n + p.added, 0);
      expect(added).toBeGreaterThanOrEqual(1000);
      // ANALYZE samples a large table: the estimate is close to the count (exact under 30,000 rows), no longer 1.
      const after = await statistics();
      expect(Math.abs(after.estimated - after.actual)).toBeLessThanOrEqual(Math.ceil(after.actual * 0.05));
      // Ten rows the planner has not seen: a quiet incremental must not pay for an ANALYZE to learn of them.
      await db.query(`INSERT INTO records (organization_id, integration_id, resource_type, external_id, data, content_hash)
        SELECT organization_id, integration_id, resource_type, external_id || '-copy', data, content_hash FROM records WHERE integration_id = $1 AND resource_type = 'locations' LIMIT 10`, [id]);
      const quiet = await waitForJob(t, org.auth, (await post('/api/v1/sync/jobs', { integrationId: id, mode: 'incremental' }).expect(202)).body.id);
      expect(quiet.status).toBe('succeeded');
      const unchanged = await statistics();
      expect(unchanged.actual).toBeGreaterThan(after.actual);
      expect(unchanged.estimated).toBe(after.estimated);
    } finally {
      await db.query('ALTER TABLE records RESET (autovacuum_enabled)');
    }
  });
});
