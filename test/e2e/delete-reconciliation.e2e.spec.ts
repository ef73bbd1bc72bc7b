import { NestExpressApplication } from '@nestjs/platform-express';
import { Connection } from 'mysql2/promise';
import { Pool } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

/**
 * Deletes by reconciliation through the whole engine, against the OpenDental API sandbox
 * (docs/sync-jobs.md), in two steps: a complete full pass names the live records it did not see,
 * and the next whole pass tombstones those it does not see either. Coverages are read whole, so
 * a patplan deleted outright is named by the next sync and tombstoned by the one after; documents
 * are read only for changed patients on an incremental (no documents request for an unchanged
 * office), so a deleted document waits for the periodic full pass (`pass: reconciliation`).
 */
const DB = specDatabase('od_spec_reconcile');
const CUSTOMER = `spec-reconcile-${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('deletes by reconciliation (opendental-api sandbox)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let auth: string;
  let integrationId: string;
  let mysql: Connection;
  let pg: Pool;
  let sandbox: OpenDentalApiSandbox;
  let reader: Awaited<ReturnType<typeof buildSandbox>>;

  const sync = async (mode: 'full' | 'incremental', id = integrationId) => {
    const created = await http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId: id, mode, resources: ['patients', 'coverages', 'documents'] }).expect(202);
    for (let i = 0; i < 600; i++) {
      const job = (await http.get(`/api/v1/sync/jobs/${created.body.id}`).set('Authorization', auth).expect(200)).body;
      if (!['queued', 'running'].includes(job.status)) return job;
      await sleep(100);
    }
    throw new Error('sync did not finish');
  };
  const live = async (resource: string, externalId: string, id = integrationId) => (await pg.query(
    'SELECT deleted_at IS NULL AS live FROM records WHERE integration_id = $1 AND resource_type = $2 AND external_id = $3', [id, resource, externalId],
  )).rows[0]?.live;
  const documentRequests = () => sandbox.requests(CUSTOMER).filter((r) => r.path.includes('/documents')).length;
  const first = async (sql: string) => String(Object.values(((await mysql.query(sql))[0] as Array<Record<string, unknown>>)[0])[0]);

  beforeAll(async () => {
    reader = await buildSandbox(DB, 40, 5);
    mysql = await openSandboxConnection(process.env.SANDBOX_MYSQL_URL!, DB);
    pg = new Pool({ connectionString: process.env.DATABASE_URL });
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    sandbox = app.get(OpenDentalApiSandbox);
    await sandbox.registerCustomer({ customerKey: CUSTOMER, database: DB, mode: 'local', minIntervalMs: 0 });
    http = request(app.getHttpServer());
    const org = await http.post('/api/v1/organizations').set('Authorization', `Bearer ${loadEnv().adminApiKey}`).send({ name: 'Reconcile Dental' }).expect(201);
    auth = `Bearer ${org.body.apiKey.key}`;
    integrationId = (await http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-api', name: 'Office', environment: 'sandbox', reconcileIntervalHours: 12,
      config: { baseUrl: `http://127.0.0.1:${port}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
    }).expect(201)).body.id;
  });

  afterAll(async () => {
    await mysql?.query(`DROP DATABASE IF EXISTS ${DB}`);
    await mysql?.end();
    await pg?.end();
    await app?.close();
  });

  it('refuses a reconcile interval out of range with 400 naming the field, and shows the one it keeps', async () => {
    const bad = await http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).send({ reconcileIntervalHours: 0 }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('reconcileIntervalHours');
    const shown = await http.get(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).expect(200);
    expect(shown.body.reconcileIntervalHours).toBe(12);
  });

  it('a patplan deleted outright is named by the next sync and tombstoned by the one after; a deleted document waits for the reconciliation pass', async () => {
    const full = await sync('full');
    expect(full.status).toBe('succeeded');
    expect(full.progress.documents).toMatchObject({ pass: 'full', reconciledDeletes: 0, deletionCandidates: 0 });
    const docNum = await first('SELECT DocNum FROM document ORDER BY DocNum LIMIT 1');
    const patPlanNum = await first('SELECT PatPlanNum FROM patplan ORDER BY PatPlanNum LIMIT 1');
    expect(await live('documents', docNum)).toBe(true);
    expect(await live('coverages', patPlanNum)).toBe(true);
    await sleep(1100); // DateTStamp is per second: the next incremental starts after this one
    await mysql.query('DELETE FROM document WHERE DocNum = ?', [docNum]);
    await mysql.query('DELETE FROM patplan WHERE PatPlanNum = ?', [patPlanNum]);

    const before = documentRequests();
    const quiet = await sync('incremental');
    expect(quiet.status).toBe('succeeded');
    expect(documentRequests() - before).toBe(0); // no patient changed: no document is read
    expect(quiet.progress.documents).toMatchObject({ pass: 'incremental', fetched: 0 });
    // Coverages are read whole: the missing patplan is named a candidate, not yet tombstoned.
    expect(quiet.progress.coverages).toMatchObject({ pass: 'full', reconciledDeletes: 0, deletionCandidates: 1 });
    expect(await live('coverages', patPlanNum)).toBe(true);
    const confirmed = await sync('incremental');
    expect(confirmed.progress.coverages).toMatchObject({ reconciledDeletes: 1, deletionCandidates: 0 });
    expect(await live('coverages', patPlanNum)).toBe(false);
    expect(await live('documents', docNum)).toBe(true); // not seen yet: no full pass of documents ran

    // The last full pass of documents ended 13 hours ago (interval 12): the next incremental reconciles them.
    await pg.query(`UPDATE sync_states SET last_full_pass_at = now() - interval '13 hours' WHERE integration_id = $1 AND resource = 'documents'`, [integrationId]);
    const due = await sync('incremental');
    expect(due.status).toBe('succeeded');
    expect(due.progress.documents).toMatchObject({ pass: 'reconciliation', deletionCandidates: 1, reconciledDeletes: 0 });
    expect(due.progress.patients.pass).toBe('incremental');
    const stamped = await pg.query(`SELECT now() - last_full_pass_at < interval '1 minute' AS fresh FROM sync_states WHERE integration_id = $1 AND resource = 'documents'`, [integrationId]);
    expect(stamped.rows[0].fresh).toBe(true);
    const after = await sync('incremental');
    expect(after.progress.documents).toMatchObject({ pass: 'incremental', reconciledDeletes: 1 });
    expect(await live('documents', docNum)).toBe(false);
  });

  it('opendental-db: a patient stamped after the full pass read its table is a candidate, seen by the next incremental, never tombstoned', async () => {
    const dbIntegration = (await http.post('/api/v1/integrations').set('Authorization', auth).send(integrationBody(reader, { timeZone: 'UTC' })).expect(201)).body.id;
    expect((await sync('full', dbIntegration)).status).toBe('succeeded');
    const patNum = await first("SELECT PatNum FROM patient WHERE PatStatus = 0 AND Birthdate > '0001-01-01' ORDER BY PatNum DESC LIMIT 1");
    // A stamp 4 s ahead (a row saved while the pass read it, or a clock ahead): the reader takes DateTStamp < NOW() only.
    await mysql.query("UPDATE patient SET WirelessPhone = '5035550142', DateTStamp = NOW() + INTERVAL 4 SECOND WHERE PatNum = ?", [patNum]);
    const full = await sync('full', dbIntegration);
    expect(full.progress.patients).toMatchObject({ pass: 'full', deletionCandidates: 1, reconciledDeletes: 0 });
    expect(await live('patients', patNum, dbIntegration)).toBe(true);
    await sleep(5200);
    const next = await sync('incremental', dbIntegration);
    expect(next.progress.patients).toMatchObject({ pass: 'incremental', reconciledDeletes: 0 });
    expect(next.progress.patients.updated).toBeGreaterThanOrEqual(1);
    expect(await live('patients', patNum, dbIntegration)).toBe(true);
    const state = await pg.query(`SELECT tombstone_candidates FROM sync_states WHERE integration_id = $1 AND resource = 'patients'`, [dbIntegration]);
    expect(state.rows[0].tombstone_candidates).toEqual([]);
  });

  it('an incremental reads the documents of the changed patients only', async () => {
    const patNum = await first("SELECT d.PatNum FROM document d JOIN patient p ON p.PatNum = d.PatNum WHERE p.PatStatus = 0 AND p.Birthdate > '0001-01-01' LIMIT 1");
    await sync('incremental'); // takes the patient the opendental-db case changed in this shared office
    await sleep(1100);
    await mysql.query("UPDATE patient SET WirelessPhone = '5035550199', DateTStamp = NOW() WHERE PatNum = ?", [patNum]);
    await sleep(1100);
    const before = documentRequests();
    const job = await sync('incremental');
    expect(job.progress.patients).toMatchObject({ pass: 'incremental', fetched: 1, updated: 1 });
    const docs = Number(await first(`SELECT COUNT(*) FROM document WHERE PatNum = ${Number(patNum)}`));
    expect(job.progress.documents).toMatchObject({ pass: 'incremental', fetched: docs, reconciledDeletes: 0 }); // the one changed patient's list
    expect(documentRequests() - before).toBe(1); // GET /documents?PatNum= of that patient (one page), none for the others
  });
});
