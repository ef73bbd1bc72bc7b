import { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Connection } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { buildSandbox, specDatabase } from '../helpers/sandbox';
import { signStandardWebhook } from '../helpers/standard-webhooks';

const DB = specDatabase('od_spec_webhooks');
const CUSTOMER = `spec-webhooks-${process.pid}`;
const now = () => Math.floor(Date.now() / 1000);

const sign = signStandardWebhook;

describe('inbound webhooks (opendental-api against its sandbox)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let auth: string;
  let otherAuth: string;
  let mysql: Connection;
  let patNum: string;
  const integrations: Record<'standard' | 'events' | 'spare', string> = { standard: '', events: '', spare: '' };
  const endpoints: Record<string, string> = {};
  let secret: string;

  const post = (integrationId: string, body: string | Buffer, headers: Record<string, string>) => {
    // superagent sends a string as is; a Buffer only when the type is not JSON (else it serialises the Buffer object).
    const req = http.post(`/api/v1/webhooks/${integrationId}`).set('Content-Type', Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(body);
  };
  const signed = (integrationId: string, body: string, options: { id?: string; timestamp?: string; key?: string } = {}) => {
    const id = options.id ?? `msg_${randomUUID()}`;
    const timestamp = options.timestamp ?? String(now());
    return post(integrationId, body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': sign(options.key ?? secret, id, timestamp, body) });
  };
  const deliveries = async (endpointId: string) => (await http.get(`/api/v1/sync/webhooks/${endpointId}/deliveries`).set('Authorization', auth).expect(200)).body.data as Array<Record<string, any>>;
  const waitFor = async (endpointId: string, deliveryId: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      const found = (await deliveries(endpointId)).find((d) => d.deliveryId === deliveryId);
      if (found?.status === status) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`delivery ${deliveryId} never reached ${status}`);
  };

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 20, 5);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    await app.get(OpenDentalApiSandbox).registerCustomer({ customerKey: CUSTOMER, database: DB, mode: 'local', minIntervalMs: 0 });
    http = request(app.getHttpServer());
    const admin = `Bearer ${loadEnv().adminApiKey}`;
    auth = `Bearer ${(await http.post('/api/v1/organizations').set('Authorization', admin).send({ name: 'Webhook Dental' }).expect(201)).body.apiKey.key}`;
    otherAuth = `Bearer ${(await http.post('/api/v1/organizations').set('Authorization', admin).send({ name: 'Other Dental' }).expect(201)).body.apiKey.key}`;
    for (const name of Object.keys(integrations) as Array<keyof typeof integrations>) {
      integrations[name] = (await http.post('/api/v1/integrations').set('Authorization', auth).send({
        vendor: 'opendental-api', name: `Cloud ${name}`, environment: 'sandbox',
        config: { baseUrl: `http://127.0.0.1:${port}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
        credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
      }).expect(201)).body.id;
    }
    const [rows] = await mysql.query('SELECT PatNum FROM patient WHERE PatStatus = 0 ORDER BY PatNum LIMIT 1');
    patNum = String((rows as Array<{ PatNum: number }>)[0].PatNum);
  });

  afterAll(async () => {
    await mysql?.end();
    await app?.close();
  });

  it('configures webhooks: secret generated and shown once, vendor default scheme, validation, tenant scope, audit', async () => {
    const created = await http.post('/api/v1/sync/webhooks').set('Authorization', auth)
      .send({ integrationId: integrations.standard, events: ['patients', 'appointments'], signatureAlgorithm: 'standard-webhooks' }).expect(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    secret = created.body.secret;
    endpoints.standard = created.body.id;
    const events = await http.post('/api/v1/sync/webhooks').set('Authorization', auth).send({ integrationId: integrations.events, events: ['patients'] }).expect(201);
    expect(events.body.signatureAlgorithm).toBe('opendental-api-events');
    expect(events.body.secret).toBeUndefined();
    endpoints.events = events.body.id;
    const spare = await http.post('/api/v1/sync/webhooks').set('Authorization', auth)
      .send({ integrationId: integrations.spare, events: ['patients'], signatureAlgorithm: 'standard-webhooks' }).expect(201);
    endpoints.spare = spare.body.id;
    endpoints.spareSecret = spare.body.secret;

    await http.post('/api/v1/sync/webhooks').set('Authorization', auth).send({ integrationId: integrations.standard, events: ['patients'] }).expect(409);
    const bad = await http.post('/api/v1/sync/webhooks').set('Authorization', auth).send({ integrationId: integrations.standard, events: ['invoices'], secret: 'x' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('secret');
    const list = await http.get('/api/v1/sync/webhooks').set('Authorization', auth).expect(200);
    expect(list.body).toHaveLength(3);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect((await http.get('/api/v1/sync/webhooks').set('Authorization', otherAuth).expect(200)).body).toEqual([]);
    await http.get(`/api/v1/sync/webhooks/${endpoints.standard}/deliveries`).set('Authorization', otherAuth).expect(404);
    await http.delete(`/api/v1/sync/webhooks/${endpoints.standard}`).set('Authorization', otherAuth).expect(404);
    await http.post(`/api/v1/sync/webhooks/${endpoints.standard}/rotate-secret`).set('Authorization', otherAuth).send({}).expect(404);
    const audit = await http.get(`/api/v1/audit-events?targetId=${endpoints.standard}`).set('Authorization', auth).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toContain('webhook.created');
  });

  it('accepts ±300 s (future edge over HTTP), rejects 301 s in the past, malformed timestamps, `v1,`, and another integration\'s secret', async () => {
    const body = JSON.stringify([{ PatNum: Number(patNum) }]);
    await signed(integrations.standard, body, { timestamp: String(now() + 300) }).expect(202);
    await signed(integrations.standard, body, { timestamp: String(now() - 301) }).expect(401);
    for (const timestamp of [`${now()}abc`, ` ${now()}`, '', '99999999999']) {
      const id = `msg_${randomUUID()}`;
      await post(integrations.standard, body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': sign(secret, id, timestamp, body) }).expect(401);
    }
    await post(integrations.standard, body, { 'webhook-id': 'msg_x', 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,' }).expect(401);
    await signed(integrations.spare, body).expect(401); // signed with the standard integration's secret
    await signed(integrations.spare, body, { key: endpoints.spareSecret }).expect(202);
    await signed(randomUUID(), body).expect(401);
    await signed('not-a-uuid', body).expect(401);
  });

  it('answers 413 to a body of 1 MB + 1 byte before verifying it', async () => {
    const res = await post(integrations.standard, Buffer.alloc(1024 * 1024 + 1, 0x20), { 'webhook-id': 'msg_big', 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,AAAA' });
    expect(res.status).toBe(413);
  });

  it('the same delivery sent 5 times concurrently: all 2xx, one stored delivery, processed once', async () => {
    const id = `msg_${randomUUID()}`;
    const timestamp = String(now());
    const body = JSON.stringify([{ PatNum: Number(patNum) }]);
    const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': sign(secret, id, timestamp, body) };
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(integrations.standard, body, headers)));
    for (const a of answers) expect([200, 202]).toContain(a.status);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    const done = await waitFor(endpoints.standard, id, 'succeeded');
    expect(done.attempts).toBe(1);
    expect(done.changedCount).toBe(1);
    const later = await post(integrations.standard, body, headers).expect(200);
    expect(later.body).toEqual({ received: true, duplicate: true });
    const all = (await deliveries(endpoints.standard)).filter((d) => d.deliveryId === id);
    expect(all).toHaveLength(1);
    expect(all[0].attempts).toBe(1);
    const [row] = await app.get(DataSource).query('SELECT payload_ciphertext FROM webhook_deliveries WHERE delivery_id = $1', [id]);
    expect(Buffer.from(row.payload_ciphertext).includes(Buffer.from('PatNum'))).toBe(false); // encrypted at rest
  });

  it('rotation: after rotate-secret both the new and the old secret verify, and so does a header carrying both signatures', async () => {
    const rotated = await http.post(`/api/v1/sync/webhooks/${endpoints.spare}/rotate-secret`).set('Authorization', auth).send({ graceSeconds: 600 }).expect(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(endpoints.spareSecret);
    const body = '[]';
    await signed(integrations.spare, body, { key: fresh }).expect(202);
    await signed(integrations.spare, body, { key: endpoints.spareSecret }).expect(202);
    const id = `msg_${randomUUID()}`;
    const timestamp = String(now());
    const wrong = sign('whsec_' + Buffer.alloc(32, 9).toString('base64'), id, timestamp, body);
    await post(integrations.spare, body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `${wrong} ${sign(fresh, id, timestamp, body)}` }).expect(202);
    const none = await http.post(`/api/v1/sync/webhooks/${endpoints.spare}/rotate-secret`).set('Authorization', auth).send({ graceSeconds: 0 }).expect(200);
    await signed(integrations.spare, body, { key: fresh }).expect(401); // no grace left for the secret rotated out
    await signed(integrations.spare, body, { key: none.body.secret }).expect(202);
  });

  it('property (2,000 runs): any change to id, timestamp, body or signature → 401; arbitrary headers and bodies never 2xx and never 5xx', async () => {
    const base = { id: 'msg_property', timestamp: String(now() + 100), body: '[{"PatNum":1}]' };
    const signature = sign(secret, base.id, base.timestamp, base.body);
    const mutation = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/).filter((id) => id !== base.id).map((id) => ({ id })),
      fc.integer({ min: -250, max: 250 }).filter((d) => d !== 0).map((d) => ({ timestamp: String(Number(base.timestamp) + d) })),
      fc.string({ maxLength: 60 }).filter((b) => b !== base.body).map((body) => ({ body })),
      fc.tuple(fc.nat({ max: 43 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'))
        .map(([i, c]) => signature.slice(0, 3 + i) + c + signature.slice(4 + i)).filter((s) => s !== signature).map((sig) => ({ signature: sig })),
    );
    const printable = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
    const arbitrary = fc.record({
      headers: fc.dictionary(fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'authorization', 'x-hub-signature-256', 'content-type'), printable),
      body: fc.uint8Array({ maxLength: 200 }),
    });
    await fc.assert(fc.asyncProperty(fc.oneof(mutation.map((m) => ({ kind: 'mutation' as const, m })), arbitrary.map((a) => ({ kind: 'arbitrary' as const, a }))), async (input) => {
      if (input.kind === 'mutation') {
        const { m } = input as { m: { id?: string; timestamp?: string; body?: string; signature?: string } };
        const res = await post(integrations.standard, m.body ?? base.body, {
          'webhook-id': m.id ?? base.id, 'webhook-timestamp': m.timestamp ?? base.timestamp, 'webhook-signature': m.signature ?? signature,
        });
        return res.status === 401;
      }
      const { a } = input as { a: { headers: Record<string, string>; body: Uint8Array } };
      const target = [integrations.standard, integrations.events][a.body.length % 2];
      const req = http.post(`/api/v1/webhooks/${target}`);
      req.set('Content-Type', 'application/octet-stream');
      for (const [k, v] of Object.entries(a.headers)) if (k !== 'content-type') req.set(k, v);
      const res = await req.send(Buffer.from(a.body));
      return res.status >= 400 && res.status < 500;
    }), { numRuns: 2000 });
    const stored = (await deliveries(endpoints.standard)).filter((d) => d.deliveryId === base.id);
    expect(stored).toHaveLength(0);
  });

  it('an accepted OpenDental API Events delivery updates the patient in our store; a wrong key is 401; replay endpoint re-runs it', async () => {
    const name = `Webhook${Date.now() % 100000}`;
    await mysql.query('UPDATE patient SET FName = ? WHERE PatNum = ?', [name, patNum]);
    const body = JSON.stringify([{ PatNum: Number(patNum), FName: 'stale value from the event', LName: 'x' }]);
    await post(integrations.events, body, { Authorization: 'not-the-customer-key' }).expect(401);
    const accepted = await post(integrations.events, body, { Authorization: CUSTOMER }).expect(202);
    expect(accepted.body.duplicate).toBe(false);
    const list = await deliveries(endpoints.events);
    const deliveryId = list[0].deliveryId as string;
    expect(deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const done = await waitFor(endpoints.events, deliveryId, 'succeeded');
    const patients = await http.get(`/api/v1/patients?externalId=${patNum}`).set('Authorization', auth).expect(200);
    // Only the events integration fetched the patient after the rename: its record carries the new name.
    expect(patients.body.data.map((p: { data: { names: Array<{ given: string[] }> } }) => p.data.names[0].given[0])).toContain(name);
    await post(integrations.events, body, { Authorization: `ODFHIR ${SANDBOX_DEVELOPER_KEY}/${CUSTOMER}` }).expect(200);

    await http.post(`/api/v1/sync/webhooks/deliveries/${done.id}/retry`).set('Authorization', otherAuth).expect(404);
    await http.post(`/api/v1/sync/webhooks/deliveries/${done.id}/retry`).set('Authorization', auth).expect(202);
    const again = await waitFor(endpoints.events, deliveryId, 'succeeded').then(async (d) => (d.attempts === 2 ? d : (await new Promise((r) => setTimeout(r, 300)), (await deliveries(endpoints.events)).find((x) => x.id === done.id)!)));
    expect(again.attempts).toBe(2);
    const filtered = await http.get(`/api/v1/sync/webhooks/${endpoints.events}/deliveries?status=failed`).set('Authorization', auth).expect(200);
    expect(filtered.body.data).toEqual([]);
    await http.get(`/api/v1/sync/webhooks/${endpoints.events}/deliveries?cursor=bogus`).set('Authorization', auth).expect(400);
  });

  it('a delivery the adapter cannot read fails permanently, stays visible with its code, is audited, and can be replayed', async () => {
    const id = `msg_${randomUUID()}`;
    await signed(integrations.standard, '{"not":"an OpenDental event"}', { id }).expect(202);
    const failed = await waitFor(endpoints.standard, id, 'failed');
    expect(failed.errorCode).toBe('PROVIDER_BAD_REQUEST');
    expect(failed.attempts).toBe(1);
    const listed = await http.get(`/api/v1/sync/webhooks/${endpoints.standard}/deliveries?status=failed`).set('Authorization', auth).expect(200);
    expect(listed.body.data.map((d: { deliveryId: string }) => d.deliveryId)).toContain(id);
    const audit = await http.get(`/api/v1/audit-events?targetId=${failed.id}`).set('Authorization', auth).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toContain('webhook.delivery_failed');
    await http.post(`/api/v1/sync/webhooks/deliveries/${failed.id}/retry`).set('Authorization', auth).expect(202);
    for (let i = 0; i < 100; i++) {
      const d = (await deliveries(endpoints.standard)).find((x) => x.id === failed.id)!;
      if (d.status === 'failed' && d.attempts === 2) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the replayed delivery did not run again');
  });

  it('deleting a configuration makes its deliveries 401', async () => {
    await http.delete(`/api/v1/sync/webhooks/${endpoints.spare}`).set('Authorization', auth).expect(204);
    await signed(integrations.spare, '[]', { key: endpoints.spareSecret }).expect(401);
  });
});
