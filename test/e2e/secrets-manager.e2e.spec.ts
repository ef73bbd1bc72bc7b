import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test as NestTest } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Connection } from 'mysql2/promise';
import { PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import request, { Response, Test } from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';
import { CredentialsService } from '../../src/modules/integrations/credentials.service';
import { AwsSecretsManagerProvider } from '../../src/modules/integrations/secrets/aws-secrets-manager.provider';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { ensureSandboxReader } from '../../src/sandbox/opendental-db/reader-user';
import { Moto, startMoto } from '../helpers/moto';
import { buildSandbox, specDatabase } from '../helpers/sandbox';

/**
 * Credentials in AWS Secrets Manager (moto_server on a free loopback port): an opendental-db
 * integration whose MariaDB password lives only in a secret. `POST /integrations/:id/test` really
 * logs in to a sandbox database with it. GetSecretValue calls are counted on the app's SDK client.
 * Every response and every log line (pino at trace level, no redaction) is kept and searched
 * for the secret values at the end.
 */
const DB = specDatabase('od_spec_secrets');
const DB_USER = 'ehr_secrets_reader';
const REGION = 'us-east-1';
const TTL_SECONDS = 300;
const canary = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const P1 = canary('SecretOne');
const P2 = canary('SecretTwo'); // after rotation
const P3 = canary('SecretThree'); // second rotation
const P_WRONG = canary('SecretWrong'); // never valid on the server
// Secret names live under the organization's namespace (SECRETS_NAME_PREFIX + organization id); set once the organization exists.
let SECRET_ID = '';
const SECRET_SUFFIX = `spec-${randomBytes(4).toString('hex')}/opendental`;
const SECRET_VALUES = [P1, P2, P3, P_WRONG];
const ENV_KEYS = ['AWS_REGION', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'SECRETS_CACHE_TTL_SECONDS'] as const;

describe('credentials in AWS Secrets Manager (moto_server, real MariaDB login)', () => {
  let moto: Moto;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let auth: string;
  let mysql: Connection;
  let sm: SecretsManagerClient;
  let sendSpy: jest.SpyInstance;
  let integrationId: string;
  let host: string;
  let port: number;
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  const logLines: string[] = [];
  const seen: Array<{ what: string; text: string }> = [];

  /** GetSecretValue calls the app made so far. */
  const reads = () => sendSpy.mock.calls.filter(([command]) => command instanceof GetSecretValueCommand).length;

  /** Sends a request and keeps its body and headers for the leak check. */
  async function call(what: string, test: Test): Promise<Response> {
    const res = await test;
    seen.push({ what, text: `${res.status} ${JSON.stringify(res.headers)} ${res.text ?? ''}` });
    return res;
  }

  const post = (what: string, path: string, body?: object) => call(what, http.post(path).set('Authorization', auth).send(body));
  const patch = (what: string, path: string, body: object) => call(what, http.patch(path).set('Authorization', auth).send(body));
  const get = (what: string, path: string) => call(what, http.get(path).set('Authorization', auth));
  const testConnection = (what: string) => post(what, `/api/v1/integrations/${integrationId}/test`);

  function config(): Record<string, unknown> {
    return { host, port, database: DB, username: DB_USER, timeZone: 'America/Chicago' };
  }

  function secretBody(secretId = SECRET_ID): Record<string, unknown> {
    return { vendor: 'opendental-db', name: 'Secrets office', environment: 'sandbox', config: config(), credentialsSecret: { provider: 'aws-secrets-manager', secretId } };
  }

  async function putSecret(value: string): Promise<void> {
    await sm.send(new PutSecretValueCommand({ SecretId: SECRET_ID, SecretString: value }));
  }

  async function setServerPassword(password: string): Promise<void> {
    for (const h of ['%', 'localhost']) await mysql.query('ALTER USER ?@? IDENTIFIED BY ?', [DB_USER, h, password]);
  }

  beforeAll(async () => {
    moto = await startMoto();
    for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
    Object.assign(process.env, {
      AWS_REGION: REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing',
      SECRETS_CACHE_TTL_SECONDS: String(TTL_SECONDS),
    });
    sm = new SecretsManagerClient({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

    const sandbox = await buildSandbox(DB, 40);
    const reader = await ensureSandboxReader(sandbox.mysqlUrl, DB, DB_USER, P1);
    host = reader.host;
    port = reader.port;
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);

    // The real app (createApp: pipes, filter, pino logger), with pino writing every level, unredacted, into logLines.
    const moduleRef = await NestTest.createTestingModule({ imports: [AppModule] })
      .overrideProvider(PARAMS_PROVIDER_TOKEN)
      .useValue({ pinoHttp: [{ level: 'trace' }, { write: (line: string) => void logLines.push(line) }] })
      .compile();
    jest.spyOn(NestFactory, 'create').mockImplementationOnce((async (_module: unknown, options?: NestApplicationOptions) => moduleRef.createNestApplication(options)) as never);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logLines.push(args.map(String).join(' ')));
    }
    app = await createApp();
    await app.init();
    http = request(app.getHttpServer());
    sendSpy = jest.spyOn(app.get(AwsSecretsManagerProvider).client, 'send');

    const org = await call('create org', http.post('/api/v1/organizations').set('Authorization', `Bearer ${loadEnv().adminApiKey}`).send({ name: 'Secrets Dental' }));
    expect(org.status).toBe(201);
    auth = `Bearer ${org.body.apiKey.key}`;
    SECRET_ID = `ehr-sync-hub/${org.body.id}/${SECRET_SUFFIX}`;
  });

  it("refuses a secret outside the organization's namespace (another tenant's secret)", async () => {
    const res = await post('foreign secret', '/api/v1/integrations', { ...secretBody(`ehr-sync-hub/00000000-0000-4000-8000-000000000000/${SECRET_SUFFIX}`) });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('credentialsSecret.secretId');
    const arn = await post('foreign arn', '/api/v1/integrations', {
      ...secretBody(`arn:aws:secretsmanager:us-east-1:123456789012:secret:other-team/db-AbCdEf`),
    });
    expect(arn.status).toBe(400);
  });

  afterAll(async () => {
    await app?.close();
    await moto?.stop();
    if (mysql) {
      for (const h of ['%', 'localhost']) await mysql.query('DROP USER IF EXISTS ?@?', [DB_USER, h]);
      await mysql.end();
    }
    sm?.destroy();
    for (const key of ENV_KEYS) {
      if (savedEnv[key] === undefined) delete process.env[key];
      else process.env[key] = savedEnv[key];
    }
    jest.restoreAllMocks();
  });

  it('answers 400 naming the field for both credential forms, neither, a bad provider or secret id', async () => {
    const both = await post('both forms', '/api/v1/integrations', { ...secretBody(), credentials: { password: P1 } });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('credentialsSecret');
    expect(both.body.details).toEqual([expect.objectContaining({ field: 'credentialsSecret' })]);

    const neither = await post('neither form', '/api/v1/integrations', { ...secretBody(), credentialsSecret: undefined });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toContain('credentials or credentialsSecret is required');
    expect(neither.body.details).toEqual([expect.objectContaining({ field: 'credentials' })]);

    const provider = await post('bad provider', '/api/v1/integrations', { ...secretBody(), credentialsSecret: { provider: 'vault', secretId: SECRET_ID } });
    expect(provider.status).toBe(400);
    expect(provider.body.details.map((d: { field: string }) => d.field)).toContain('credentialsSecret.provider');

    const secretId = await post('bad secret id', '/api/v1/integrations', { ...secretBody(), credentialsSecret: { provider: 'aws-secrets-manager', secretId: `${P1} with spaces` } });
    expect(secretId.status).toBe(400);
    expect(secretId.body.details.map((d: { field: string }) => d.field)).toContain('credentialsSecret.secretId');

    const extra = await post('value inside the reference', '/api/v1/integrations', {
      ...secretBody(), credentialsSecret: { provider: 'aws-secrets-manager', secretId: SECRET_ID, value: P1 },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.details.map((d: { field: string }) => d.field)).toContain('credentialsSecret.value');

    // PATCH: both forms at once is refused as well (on a local integration).
    const local = await post('local integration', '/api/v1/integrations', { ...secretBody(), name: 'Local office', credentialsSecret: undefined, credentials: { password: P1 } });
    expect(local.status).toBe(201);
    expect(local.body.credentialsProvider).toBe('local');
    expect(local.body.credentialsSecret).toBeNull();
    const patchBoth = await patch('patch both', `/api/v1/integrations/${local.body.id}`, {
      credentials: { password: P1 }, credentialsSecret: { provider: 'aws-secrets-manager', secretId: SECRET_ID },
    });
    expect(patchBoth.status).toBe(400);
    expect(patchBoth.body.details).toEqual([expect.objectContaining({ field: 'credentialsSecret' })]);
    expect(reads()).toBe(0);
  });

  it('creates an integration for a secret that does not exist yet; test says "secret not found"', async () => {
    const created = await post('create with secret', '/api/v1/integrations', secretBody());
    expect(created.status).toBe(201);
    integrationId = created.body.id;
    expect(created.body).toMatchObject({
      credentialsProvider: 'aws-secrets-manager', credentialsConfigured: true, credentialFields: [],
      credentialsSecret: { provider: 'aws-secrets-manager', secretId: SECRET_ID },
    });
    expect(created.body).not.toHaveProperty('credentials');
    const [row] = await app.get(DataSource).query('SELECT credentials_ciphertext, credentials_secret_id FROM integrations WHERE id = $1', [integrationId]);
    expect(row).toEqual({ credentials_ciphertext: null, credentials_secret_id: SECRET_ID });

    const tested = await testConnection('test: secret missing');
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(false);
    expect(tested.body.message).toContain('secret not found');
    expect(tested.body.message).toContain(SECRET_ID);
    expect(reads()).toBe(1); // not an authentication failure: no re-read

    const shown = await get('get after failed test', `/api/v1/integrations/${integrationId}`);
    expect(shown.body.healthStatus).toBe('unhealthy');
    expect(shown.body.lastError).toContain('secret not found');
  });

  it('names a missing or malformed credential field, never a value', async () => {
    await sm.send(new CreateSecretCommand({ Name: SECRET_ID, SecretString: JSON.stringify({ username: DB_USER, pass: P1 }) }));
    const missing = await testConnection('test: field missing');
    expect(missing.body.ok).toBe(false);
    expect(missing.body.message).toContain('credential field "password" is missing');

    await putSecret(JSON.stringify({ password: 12345 }));
    const wrongType = await testConnection('test: field not a string');
    expect(wrongType.body.ok).toBe(false);
    expect(wrongType.body.message).toContain('credential field "password" must be a string');

    await putSecret(`password=${P1}`); // not JSON: a parser message would quote it
    const notJson = await testConnection('test: not JSON');
    expect(notJson.body.ok).toBe(false);
    expect(notJson.body.message).toContain('is not a JSON object of credential fields (expected keys: password)');
    expect(reads()).toBe(4); // failures are never cached
  });

  it('reads the value and authenticates with it; repeats within the TTL use the cache (test, databases, a full sync)', async () => {
    await putSecret(JSON.stringify({ password: P1, username: DB_USER, engine: 'mariadb' })); // extra keys are ignored
    const before = reads();
    const tested = await testConnection('test: secret present');
    expect(tested.body).toMatchObject({ ok: true, message: 'Connected; the patient table is readable' });
    expect(reads()).toBe(before + 1);

    expect((await testConnection('test: cached')).body.ok).toBe(true);
    const databases = await get('databases', `/api/v1/integrations/${integrationId}/databases`);
    expect(databases.status).toBe(200);
    expect(databases.body.databases).toContain(DB);

    const job = await post('full sync', '/api/v1/sync/jobs', { integrationId, mode: 'full' });
    expect(job.status).toBe(202);
    let status = job.body.status;
    for (const deadline = Date.now() + 60_000; ['queued', 'running'].includes(status) && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await get('poll job', `/api/v1/sync/jobs/${job.body.id}`)).body.status;
    }
    expect(status).toBe('succeeded');
    expect(reads()).toBe(before + 1);
  });

  it('reads the secret again once the TTL has passed', async () => {
    const credentials = app.get(CredentialsService);
    const [{ organization_id: organizationId }] = await app.get(DataSource).query('SELECT organization_id FROM integrations WHERE id = $1', [integrationId]);
    const integration = { id: integrationId, organizationId };
    const before = reads();
    expect(await credentials.load(integration)).toEqual({ password: P1 });
    expect(reads()).toBe(before);
    const realNow = Date.now;
    const now = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + (TTL_SECONDS + 1) * 1000);
    try {
      expect(await credentials.load(integration)).toEqual({ password: P1 });
    } finally {
      now.mockRestore();
    }
    expect(reads()).toBe(before + 1);
  });

  it('after a rotation the cached value fails authentication and the secret is re-read exactly once', async () => {
    await setServerPassword(P2);
    await putSecret(JSON.stringify({ password: P2 }));
    let before = reads();
    const rotated = await testConnection('test: after rotation');
    expect(rotated.body.ok).toBe(true); // first attempt with cached P1 failed, the re-read P2 worked
    expect(reads()).toBe(before + 1);
    expect((await testConnection('test: rotated value cached')).body.ok).toBe(true);
    expect(reads()).toBe(before + 1);

    // A secret that is wrong even after the re-read: one re-read, then a clear failure.
    await setServerPassword(P3);
    await putSecret(JSON.stringify({ password: P_WRONG }));
    before = reads();
    const wrong = await testConnection('test: wrong secret');
    expect(wrong.body.ok).toBe(false);
    expect(wrong.body.message).toContain('Authentication failed');
    expect(reads()).toBe(before + 1);
    const wrongDatabases = await get('databases: wrong secret', `/api/v1/integrations/${integrationId}/databases`);
    expect(wrongDatabases.status).toBe(502);
    expect(reads()).toBe(before + 2);

    await putSecret(JSON.stringify({ password: P3 }));
    before = reads();
    const databases = await get('databases: after second rotation', `/api/v1/integrations/${integrationId}/databases`);
    expect(databases.status).toBe(200); // listDatabases retried once with the re-read secret
    expect(reads()).toBe(before + 1);
  });

  it('PATCH switches providers both ways, audited as integration.credentials_updated', async () => {
    const toLocal = await patch('switch to local', `/api/v1/integrations/${integrationId}`, { credentials: { password: P3 } });
    expect(toLocal.status).toBe(200);
    expect(toLocal.body).toMatchObject({ credentialsProvider: 'local', credentialsSecret: null, credentialsConfigured: true, credentialFields: ['password'] });
    const before = reads();
    expect((await testConnection('test: local')).body.ok).toBe(true);
    expect(reads()).toBe(before);

    const toSecret = await patch('switch to secret', `/api/v1/integrations/${integrationId}`, { credentialsSecret: { provider: 'aws-secrets-manager', secretId: SECRET_ID } });
    expect(toSecret.status).toBe(200);
    expect(toSecret.body).toMatchObject({ credentialsProvider: 'aws-secrets-manager', credentialFields: [], credentialsSecret: { secretId: SECRET_ID } });
    const [row] = await app.get(DataSource).query('SELECT credentials_ciphertext FROM integrations WHERE id = $1', [integrationId]);
    expect(row.credentials_ciphertext).toBeNull();
    expect((await testConnection('test: secret again')).body.ok).toBe(true);
    expect(reads()).toBe(before + 1); // the switch dropped any cached value

    const audit = await get('audit', `/api/v1/audit-events?action=integration.credentials_updated&targetId=${integrationId}&limit=10`);
    expect(audit.status).toBe(200);
    const providers = audit.body.data.map((e: { details: { provider: string; previousProvider: string } }) => `${e.details.previousProvider}->${e.details.provider}`);
    expect(providers.sort()).toEqual(['aws-secrets-manager->local', 'local->aws-secrets-manager']);
  });

  it('never shows a secret value in a response, a log line or the integration row', async () => {
    for (const [what, path] of [
      ['get', `/api/v1/integrations/${integrationId}`], ['list', '/api/v1/integrations'], ['health', '/api/v1/integrations/health/status'],
      ['audit', '/api/v1/audit-events?limit=500'], ['jobs', '/api/v1/sync/jobs?limit=100'],
    ]) {
      expect((await get(what, path)).status).toBe(200);
    }
    const logs = logLines.join('\n');
    expect(logs).toContain('credentials read from AWS Secrets Manager'); // the capture works, at debug level
    expect(logs).toContain('"statusCode":400'); // and sees the request log
    const rows = await app.get(DataSource).query(
      `SELECT row_to_json(i)::text AS t FROM integrations i UNION ALL SELECT row_to_json(a)::text FROM audit_events a UNION ALL SELECT row_to_json(j)::text FROM sync_jobs j`,
    );
    const haystacks = [
      ...seen.map((s) => ({ where: `response: ${s.what}`, text: s.text })),
      { where: 'logs', text: logs },
      ...rows.map((r: { t: string }) => ({ where: 'database row', text: r.t })),
    ];
    expect(seen.length).toBeGreaterThan(30);
    const forms = SECRET_VALUES.flatMap((v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('hex')]);
    // P1 was sent on purpose as a local credential and inside rejected bodies: the local one is encrypted, the rejected ones never echoed.
    const leaks = haystacks.flatMap((h) => forms.filter((f) => h.text.includes(f)).map((f) => `${h.where} contains ${f.slice(0, 12)}…`));
    expect(leaks).toEqual([]);
  });
});
