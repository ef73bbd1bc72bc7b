import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { buildSandbox, specDatabase } from '../helpers/sandbox';
import { signStandardWebhook } from '../helpers/standard-webhooks';

/**
 * The webhook receiver as an attacker and an operator would try it: the path in another casing,
 * a compressed body, an over-long delivery id, a delivery for a disabled integration, and a
 * secret rotated on another API node.
 */
const DB = specDatabase('od_spec_webhook_hardening');
const CUSTOMER = `spec-webhook-hardening-${process.pid}`;
const now = () => String(Math.floor(Date.now() / 1000));

const sign = signStandardWebhook;

describe('webhook receiver hardening', () => {
  let a: NestExpressApplication;
  let b: NestExpressApplication;
  let auth: string;
  let integrationId: string;
  let endpointId: string;
  let secret: string;
  let body: Buffer;

  const deliver = (app: NestExpressApplication, options: { path?: string; id?: string; key?: string; encoding?: string; payload?: Buffer } = {}) => {
    const id = options.id ?? `msg_${randomUUID()}`;
    const timestamp = now();
    const payload = options.payload ?? body;
    const req = request(app.getHttpServer()).post(options.path ?? `/api/v1/webhooks/${integrationId}`)
      .set('Content-Type', 'application/octet-stream')
      .set('webhook-id', id).set('webhook-timestamp', timestamp).set('webhook-signature', sign(options.key ?? secret, id, timestamp, payload));
    if (options.encoding) req.set('Content-Encoding', options.encoding);
    return req.send(payload);
  };
  const stored = async (deliveryId: string) => (await a.get(DataSource).query(
    'SELECT status FROM webhook_deliveries WHERE integration_id = $1 AND delivery_id = $2', [integrationId, deliveryId])) as Array<{ status: string }>;
  const waitForStatus = async (deliveryId: string, status: string) => {
    for (let i = 0; i < 300; i++) {
      const [row] = await stored(deliveryId);
      if (row?.status === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`delivery never reached ${status}; last ${JSON.stringify(await stored(deliveryId))}`);
  };

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 10, 3);
    a = await createApp({ logger: false });
    await a.listen(0, '127.0.0.1');
    b = await createApp({ logger: false });
    await b.init();
    const port = (a.getHttpServer().address() as { port: number }).port;
    await a.get(OpenDentalApiSandbox).registerCustomer({ customerKey: CUSTOMER, database: sandbox.database, mode: 'local', minIntervalMs: 0 });
    const http = request(a.getHttpServer());
    auth = `Bearer ${(await http.post('/api/v1/organizations').set('Authorization', `Bearer ${loadEnv().adminApiKey}`).send({ name: 'Hardening Dental' }).expect(201)).body.apiKey.key}`;
    integrationId = (await http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-api', name: 'Cloud', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${port}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
    }).expect(201)).body.id;
    const created = await http.post('/api/v1/sync/webhooks').set('Authorization', auth)
      .send({ integrationId, events: ['patients'], signatureAlgorithm: 'standard-webhooks' }).expect(201);
    endpointId = created.body.id;
    secret = created.body.secret;
    body = Buffer.from(JSON.stringify([{ PatNum: 1 }]));
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('routes every casing of the path to the receiver and verifies the bytes as received', async () => {
    const id = `msg_${randomUUID()}`;
    // As JSON: were the body parsed away, the receiver would verify an empty body and answer 401.
    const timestamp = now();
    const res = await request(a.getHttpServer()).post(`/API/V1/WEBHOOKS/${integrationId}`).set('Content-Type', 'application/json')
      .set('webhook-id', id).set('webhook-timestamp', timestamp).set('webhook-signature', sign(secret, id, timestamp, body)).send(body.toString());
    expect(res.status).toBe(202);
    expect(await stored(id)).toHaveLength(1);
    await deliver(a, { path: `/Api/v1/Webhooks/${integrationId}` }).expect(202);
  });

  it('refuses a Content-Encoding with 415 and stores nothing, even when the signature covers the compressed bytes', async () => {
    const id = `msg_${randomUUID()}`;
    const res = await deliver(a, { id, encoding: 'gzip', payload: gzipSync(body) });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ statusCode: 415, message: expect.stringContaining('Content-Encoding') });
    expect(await stored(id)).toHaveLength(0);
    await deliver(a, { encoding: 'identity' }).expect(202);
  });

  it('a delivery whose id is longer than 255 characters gets 400 with the reason, not 401, before any signature work', async () => {
    const id = `msg_${'x'.repeat(300)}`;
    const res = await deliver(a, { id });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'WEBHOOK_DELIVERY_ID_TOO_LONG', message: expect.stringContaining('255') });
    await deliver(a, { id: `msg_${'x'.repeat(251)}` }).expect(202); // 255 exactly
    await deliver(a, { id: `msg_${'x'.repeat(300)}`, key: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }).expect(400); // length first, like 413
    await deliver(a, { id: 'msg_short', key: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }).expect(401);
  });

  it('holds a delivery for a disabled integration and processes it once the integration is enabled again', async () => {
    const http = request(a.getHttpServer());
    await http.post(`/api/v1/integrations/${integrationId}/toggle`).set('Authorization', auth).send({ enabled: false }).expect(200);
    const id = `msg_${randomUUID()}`;
    await deliver(a, { id }).expect(202);
    await waitForStatus(id, 'held');
    const listed = await http.get(`/api/v1/sync/webhooks/${endpointId}/deliveries?status=held`).set('Authorization', auth).expect(200);
    expect(listed.body.data.map((d: { deliveryId: string }) => d.deliveryId)).toContain(id);
    await http.post(`/api/v1/integrations/${integrationId}/toggle`).set('Authorization', auth).send({ enabled: true }).expect(200);
    await waitForStatus(id, 'succeeded');
  });

  it('a secret rotated on one API node verifies on another at once (no stale cached configuration)', async () => {
    await deliver(b).expect(202); // node B has the configuration cached now
    const rotated = await request(a.getHttpServer()).post(`/api/v1/sync/webhooks/${endpointId}/rotate-secret`).set('Authorization', auth)
      .send({ graceSeconds: 0 }).expect(200);
    const fresh = rotated.body.secret as string;
    let answer = 0;
    for (let i = 0; i < 20 && answer !== 202; i++) { // pub/sub is asynchronous: allow 1 s, far below the cache's 5 s
      answer = (await deliver(b, { key: fresh })).status;
      if (answer !== 202) await new Promise((r) => setTimeout(r, 50));
    }
    expect(answer).toBe(202);
    expect((await deliver(b, { key: secret })).status).toBe(401); // no grace: the old secret is refused
  });
});
