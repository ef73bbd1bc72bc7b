import { specDatabase } from '../helpers/sandbox';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Connection } from 'mysql2/promise';
import { Client } from 'pg';
import request, { Response, Test } from 'supertest';
import { buildOpenDentalSandbox, openSandboxConnection, parseMysqlUrl } from '../../src/sandbox/opendental-db';
import { loadEnv } from '../../src/config/env';
import { SpawnedServer, startServer } from '../helpers/server';
import { OwnRedis, startOwnRedis } from '../helpers/redis-server';

/**
 * Canary test: a database password made of random hex is used for an integration's whole life
 * (create, test, list databases, full sync, rotation, reads, a failing integration) on the BUILT
 * app running as a child process with LOG_LEVEL=debug. The canaries must never appear in a
 * response body or header, in the process's complete output, in any Postgres row (the
 * credentials column included) or in any Redis key or value. Patients' SSNs get the same check
 * on responses and logs.
 */
const DB = specDatabase('od_spec_canary');
const MYSQL_URL = process.env.SANDBOX_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DB_USER = 'ehr_canary_reader';
const canary = () => `Canary-${randomBytes(12).toString('hex')}`;
const CANARY_1 = canary();
const CANARY_2 = canary(); // after rotation
const CANARY_WRONG = canary(); // never valid on the server

const CANARIES = [CANARY_1, CANARY_2, CANARY_WRONG];
/** Every form a canary could take once stored: as is, hex (bytea text output), base64. */
const FORMS = CANARIES.flatMap((c) => [c, Buffer.from(c).toString('hex'), Buffer.from(c).toString('base64')]);

function leaked(haystack: string | Buffer): string[] {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  return FORMS.filter((form) => text.includes(form) || (Buffer.isBuffer(haystack) && haystack.includes(Buffer.from(form))));
}

interface Seen {
  what: string;
  status: number;
  text: string;
  headers: string;
}

describe('secrets: a canary password never leaks (built app as a child process)', () => {
  let server: SpawnedServer;
  let mysql: Connection;
  let pg: Client;
  let redis: IORedis;
  let ownRedis: OwnRedis;
  let http: ReturnType<typeof request>;
  let auth: string;
  let integrationId: string;
  let wrongIntegrationId: string;
  let fullJob: Record<string, any>;
  let failedJob: Record<string, any>;
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let logs = '';
  const seen: Seen[] = [];
  /** SSNs of the synced patients, as stored in the source and as bare digits. */
  let ssns: Array<{ formatted: string; digits: string }> = [];

  /** Sends a request, keeps its body and headers for the leak checks, and returns the response. */
  async function call(what: string, test: Test): Promise<Response> {
    const res = await test;
    seen.push({ what, status: res.status, text: res.text ?? '', headers: JSON.stringify(res.headers) });
    return res;
  }

  async function waitForJob(jobId: string, timeoutMs = 60_000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await call('poll job', http.get(`/api/v1/sync/jobs/${jobId}`).set('Authorization', auth));
      expect(res.status).toBe(200);
      if (!['queued', 'running'].includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  function integrationConfig(): Record<string, unknown> {
    const target = parseMysqlUrl(MYSQL_URL);
    return { host: target.host, port: target.port, database: DB, username: DB_USER, timeZone: 'America/Chicago' };
  }

  beforeAll(async () => {
    await buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database: DB, patients: 80, seed: 23 });
    mysql = await openSandboxConnection(MYSQL_URL, DB);
    for (const host of ['%', 'localhost']) {
      await mysql.query(`DROP USER IF EXISTS ?@?`, [DB_USER, host]);
      await mysql.query(`CREATE USER ?@? IDENTIFIED BY ?`, [DB_USER, host, CANARY_1]);
      await mysql.query(`GRANT SELECT ON \`${DB}\`.* TO ?@?`, [DB_USER, host]);
    }
    const [rows] = await mysql.query("SELECT SSN FROM patient WHERE SSN <> '' AND PatStatus <> 4 AND Birthdate > '0001-01-01'");
    ssns = (rows as Array<{ SSN: string }>).map((r) => ({ formatted: r.SSN, digits: r.SSN.replace(/\D/g, '') }));
    expect(ssns.length).toBeGreaterThan(5);

    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    // A Redis of this spec's own: the child's queues hold only this spec's jobs (no other spec's
    // leftover job to drain on SIGTERM), and the scan below sees exactly what the child wrote.
    ownRedis = await startOwnRedis();
    redis = new IORedis(ownRedis.url, { maxRetriesPerRequest: 3 });

    server = await startServer({ REDIS_URL: ownRedis.url });
    http = request(server.baseUrl);
    try {
      await exercise();
    } finally {
      exit = await server.stop();
      logs = server.output();
    }
  });

  afterAll(async () => {
    if (mysql) for (const host of ['%', 'localhost']) await mysql.query(`DROP USER IF EXISTS ?@?`, [DB_USER, host]);
    await mysql?.end();
    await pg?.end();
    await redis?.quit();
    await ownRedis?.kill();
  });

  /** The integration's whole life, through the API of the child process. */
  async function exercise(): Promise<void> {
    const adminKey = loadEnv().adminApiKey;
    const org = await call('create org', http.post('/api/v1/organizations').set('Authorization', `Bearer ${adminKey}`).send({ name: 'Canary Dental' }));
    expect(org.status).toBe(201);
    auth = `Bearer ${org.body.apiKey.key}`;

    // Rejected bodies that carry the canary: a 400 must name fields, never echo values.
    const badCredential = await call('bad credential field', http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Bad', environment: 'sandbox', config: integrationConfig(), credentials: { password: CANARY_1, pin: CANARY_1 },
    }));
    expect(badCredential.status).toBe(400);
    expect(badCredential.body.message).toContain('credentials.pin');
    const badConfig = await call('bad config', http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Bad', environment: 'sandbox', config: { ...integrationConfig(), port: CANARY_1 }, credentials: { password: CANARY_1 },
    }));
    expect(badConfig.status).toBe(400);
    const badPassword = await call('password of the wrong type', http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Bad', environment: 'sandbox', config: integrationConfig(), credentials: { password: [CANARY_1] },
    }));
    expect(badPassword.status).toBe(400);
    const unknownField = await call('unknown top-level field', http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Bad', environment: 'sandbox', config: integrationConfig(), credentials: { password: CANARY_1 }, password: CANARY_1,
    }));
    expect(unknownField.status).toBe(400);

    const created = await call('create integration', http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Canary office', environment: 'sandbox', config: integrationConfig(), credentials: { password: CANARY_1 },
    }));
    expect(created.status).toBe(201);
    expect(created.body.credentialsConfigured).toBe(true);
    expect(created.body.credentialFields).toEqual(['password']);
    integrationId = created.body.id;

    const tested = await call('test', http.post(`/api/v1/integrations/${integrationId}/test`).set('Authorization', auth));
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(true);

    const databases = await call('databases', http.get(`/api/v1/integrations/${integrationId}/databases`).set('Authorization', auth));
    expect(databases.status).toBe(200);
    expect(databases.body.databases).toContain(DB);

    const job = await call('full sync', http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode: 'full' }));
    expect(job.status).toBe(202);
    fullJob = await waitForJob(job.body.id);
    expect(fullJob.status).toBe('succeeded');
    expect(fullJob.progress.patients.added).toBeGreaterThan(0);
    await call('job errors', http.get(`/api/v1/sync/jobs/${fullJob.id}/errors?limit=500`).set('Authorization', auth));

    // Rotate: the server gets the second canary, then the integration does.
    for (const host of ['%', 'localhost']) await mysql.query(`ALTER USER ?@? IDENTIFIED BY ?`, [DB_USER, host, CANARY_2]);
    const rotated = await call('rotate credentials', http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth).send({ credentials: { password: CANARY_2 } }));
    expect(rotated.status).toBe(200);
    const retested = await call('test after rotation', http.post(`/api/v1/integrations/${integrationId}/test`).set('Authorization', auth));
    expect(retested.body.ok).toBe(true); // the new canary is really the one in use
    await new Promise((r) => setTimeout(r, 1100));
    const incremental = await call('incremental sync', http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode: 'incremental' }));
    expect(incremental.status).toBe(202);
    expect((await waitForJob(incremental.body.id)).status).toBe('succeeded');

    // A failing integration: the wrong password.
    const wrong = await call('create wrong integration', http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-db', name: 'Wrong password', environment: 'sandbox', config: integrationConfig(), credentials: { password: CANARY_WRONG },
    }));
    expect(wrong.status).toBe(201);
    wrongIntegrationId = wrong.body.id;
    const wrongTest = await call('test wrong', http.post(`/api/v1/integrations/${wrongIntegrationId}/test`).set('Authorization', auth));
    expect(wrongTest.body.ok).toBe(false);
    const wrongDatabases = await call('databases wrong', http.get(`/api/v1/integrations/${wrongIntegrationId}/databases`).set('Authorization', auth));
    expect(wrongDatabases.status).toBeGreaterThanOrEqual(400);
    const wrongJob = await call('sync wrong', http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId: wrongIntegrationId, mode: 'full' }));
    expect(wrongJob.status).toBe(202);
    failedJob = await waitForJob(wrongJob.body.id);
    expect(failedJob.status).toBe('failed');
    await call('failed job errors', http.get(`/api/v1/sync/jobs/${failedJob.id}/errors`).set('Authorization', auth));

    // Every read.
    for (const [what, path] of [
      ['get integration', `/api/v1/integrations/${integrationId}`],
      ['get wrong integration', `/api/v1/integrations/${wrongIntegrationId}`],
      ['list integrations', '/api/v1/integrations'],
      ['health status', '/api/v1/integrations/health/status'],
      ['audit events', '/api/v1/audit-events?limit=500'],
      ['sync jobs', '/api/v1/sync/jobs?limit=500'],
      ['statistics', '/api/v1/sync/statistics'],
      ['patients', '/api/v1/patients?limit=500'],
      ['appointments', '/api/v1/appointments?limit=500'],
      ['providers', '/api/v1/providers?limit=500'],
      ['locations', '/api/v1/locations?limit=500'],
      ['api keys', '/api/v1/api-keys'],
      ['vendors', '/api/v1/vendors'],
    ]) {
      const res = await call(what, http.get(path).set('Authorization', auth));
      expect(res.status).toBe(200);
    }
    const check = await call('health check', http.post('/api/v1/integrations/health/check').set('Authorization', auth));
    expect(check.status).toBe(200);

    // Every patient by id (detail responses carry `raw`).
    const patients = seen.find((s) => s.what === 'patients');
    for (const p of JSON.parse(patients!.text).data as Array<{ id: string }>) {
      const res = await call('patient detail', http.get(`/api/v1/patients/${p.id}`).set('Authorization', auth));
      expect(res.status).toBe(200);
    }
  }

  it('the run itself worked: the server started, synced, and exited 0 on SIGTERM', () => {
    expect(fullJob.status).toBe('succeeded');
    expect(failedJob.status).toBe('failed');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(seen.length).toBeGreaterThan(100);
    // The detector itself finds every stored form of a canary.
    expect(leaked(`{"password":"${CANARY_2}"}`)).toEqual([CANARY_2]);
    expect(leaked(Buffer.from(`\\x${Buffer.from(CANARY_WRONG).toString('hex')}`))).toEqual([Buffer.from(CANARY_WRONG).toString('hex')]);
  });

  it('the canaries never appear in a response body or header', () => {
    const leaks = seen.flatMap((s) => [...leaked(s.text), ...leaked(s.headers)].map((form) => `${s.what} (${s.status}): ${form}`));
    expect(leaks).toEqual([]);
  });

  it("the canaries never appear in the child's complete log output (at debug level)", () => {
    expect(logs.length).toBeGreaterThan(0);
    // Request logs of the calls that carried a canary were captured.
    expect(logs).toContain(`"path":"/api/v1/integrations/${integrationId}/test"`);
    expect(logs).toContain(`"path":"/api/v1/integrations/${integrationId}"`);
    expect(leaked(logs)).toEqual([]);
  });

  it('the canaries never appear in any Postgres row (credentials column included)', async () => {
    const tables = await pg.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    const names = tables.rows.map((t) => t.table_name);
    expect(names).toEqual(expect.arrayContaining(['audit_events', 'integrations', 'sync_jobs', 'sync_job_errors', 'sync_states', 'records']));
    const leaks: string[] = [];
    for (const table of names) {
      const rows = await pg.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`);
      for (const { row } of rows.rows) for (const form of leaked(row)) leaks.push(`${table}: ${form}`);
    }
    expect(leaks).toEqual([]);
  });

  it('the stored credentials are ciphertext: neither the bytes nor any text rendering contains a canary', async () => {
    const res = await pg.query<{ id: string; ct: Buffer | null; esc: string; hex: string; b64: string; row: string }>(
      `SELECT id, credentials_ciphertext AS ct, encode(credentials_ciphertext, 'escape') AS esc, encode(credentials_ciphertext, 'hex') AS hex,
              encode(credentials_ciphertext, 'base64') AS b64, i::text AS row
         FROM integrations i WHERE id = ANY($1::uuid[])`,
      [[integrationId, wrongIntegrationId]],
    );
    expect(res.rows).toHaveLength(2);
    for (const row of res.rows) {
      expect(row.ct).toBeInstanceOf(Buffer);
      expect(row.ct!.length).toBeGreaterThan(1 + 12 + 16);
      expect(leaked(row.ct!)).toEqual([]);
      expect(leaked(row.esc)).toEqual([]);
      expect(leaked(row.hex)).toEqual([]);
      expect(leaked(row.b64)).toEqual([]);
      expect(leaked(row.row)).toEqual([]);
    }
  });

  it('audit rows, sync jobs and job errors never contain a canary (direct queries)', async () => {
    const audit = await pg.query<{ row: string }>(`SELECT a::text AS row FROM audit_events a`);
    expect(audit.rows.length).toBeGreaterThan(5);
    expect(audit.rows.flatMap((r) => leaked(r.row))).toEqual([]);
    const jobs = await pg.query<{ row: string; error_message: string | null }>(`SELECT j::text AS row, error_message FROM sync_jobs j WHERE integration_id = ANY($1::uuid[])`, [[integrationId, wrongIntegrationId]]);
    expect(jobs.rows.length).toBe(3);
    expect(jobs.rows.flatMap((r) => leaked(r.row))).toEqual([]);
    expect(jobs.rows.some((r) => r.error_message)).toBe(true);
    const errors = await pg.query<{ row: string }>(`SELECT e::text AS row FROM sync_job_errors e`);
    expect(errors.rows.flatMap((r) => leaked(r.row))).toEqual([]);
  });

  it('no Redis key or value (strings, hashes, lists, sets, sorted sets, streams) contains a canary', async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.some((k) => k.startsWith('bull:sync-jobs:'))).toBe(true);
    const leaks: string[] = [];
    for (const key of keys) {
      for (const form of leaked(key)) leaks.push(`key name ${key}: ${form}`);
      const type = await redis.type(key);
      let values: Buffer[] = [];
      if (type === 'string') values = [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
      else if (type === 'hash') values = Object.entries(await redis.hgetallBuffer(key)).flatMap(([k, v]) => [Buffer.from(k), v]);
      else if (type === 'list') values = await redis.lrangeBuffer(key, 0, -1);
      else if (type === 'set') values = await redis.smembersBuffer(key);
      else if (type === 'zset') values = await redis.zrangeBuffer(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') values = [Buffer.from(JSON.stringify(await redis.xrange(key, '-', '+')))];
      else if (type !== 'none') throw new Error(`unexpected Redis type ${type} for ${key}`);
      for (const value of values) for (const form of leaked(value)) leaks.push(`${type} ${key}: ${form}`);
    }
    expect(leaks).toEqual([]);
  });

  it('a synced patient shows ssnLast4 only: raw has no SSN, and no SSN is in any response', async () => {
    const [rows] = await mysql.query(
      "SELECT PatNum, SSN FROM patient WHERE SSN LIKE '___-__-____' AND PatStatus = 0 AND Birthdate > '0001-01-01' ORDER BY PatNum LIMIT 1",
    );
    const { PatNum, SSN } = (rows as Array<{ PatNum: number; SSN: string }>)[0];
    const digits = SSN.replace(/\D/g, '');
    const detail = seen.find((s) => s.what === 'patient detail' && JSON.parse(s.text).externalId === String(PatNum));
    expect(detail).toBeDefined();
    const body = JSON.parse(detail!.text);
    expect(body.data.ssnLast4).toBe(digits.slice(-4));
    expect(body.raw).toBeTruthy();
    expect(body.raw.PatNum).toBeDefined();
    expect(body.raw).not.toHaveProperty('SSN');
    expect(Object.values(body.data)).not.toContain(SSN);

    const leaks: string[] = [];
    for (const s of seen) {
      for (const ssn of ssns) {
        if (s.text.includes(ssn.formatted) || new RegExp(`(?<![0-9A-Za-z])${ssn.digits}(?![0-9A-Za-z])`).test(s.text)) leaks.push(`${s.what}: ssn ending ${ssn.digits.slice(-4)}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('no SSN appears in the log output, and the store keeps SSNs only encrypted', async () => {
    const logLeaks = ssns.filter((ssn) => logs.includes(ssn.formatted) || new RegExp(`(?<![0-9A-Za-z])${ssn.digits}(?![0-9A-Za-z])`).test(logs));
    expect(logLeaks.map((s) => s.digits.slice(-4))).toEqual([]);
    const stored = await pg.query<{ data: string; raw: string; ct: Buffer | null }>(
      `SELECT data::text AS data, raw::text AS raw, sensitive_ciphertext AS ct FROM records WHERE integration_id = $1 AND resource_type = 'patients'`, [integrationId]);
    expect(stored.rows.length).toBeGreaterThan(0);
    expect(stored.rows.filter((r) => r.ct).length).toBeGreaterThan(0);
    const storeLeaks = stored.rows.filter((r) => ssns.some((s) => r.data.includes(s.formatted) || r.raw.includes(s.formatted) || (r.ct && r.ct.includes(Buffer.from(s.digits)))));
    expect(storeLeaks).toHaveLength(0);
  });
});
