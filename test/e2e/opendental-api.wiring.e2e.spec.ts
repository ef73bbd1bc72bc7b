import { specDatabase } from '../helpers/sandbox';
import { NestExpressApplication } from '@nestjs/platform-express';
import IORedis from 'ioredis';
import request from 'supertest';
import { buildOpenApi, createApp } from '../../src/bootstrap';
import { OpenDentalApiAdapter } from '../../src/providers/opendental-api/opendental-api.adapter';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX } from '../../src/sandbox/opendental-api';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { apiContext, buildOffice, MYSQL_URL, readAll, TEST_REDIS_URL } from '../helpers/opendental-api';

/**
 * The wiring in app.module.ts / providers.module.ts, checked inside the whole app as bootstrap.ts
 * builds it (global API-key guard, ValidationPipe, exception filter, body parser):
 * the sandbox answers ODFHIR calls although the hub's guard is global, stays out of the OpenAPI
 * document, and the adapter (with the app's REDIS) syncs from it over HTTP.
 */
process.env.REDIS_URL = TEST_REDIS_URL; // this file's app (queues included) uses Redis db 7
process.env.APP_ROLE = 'api'; // no queue workers: this app must not pick up other specs' jobs
const DB = specDatabase('od_spec_api_wiring');
const KEY = `spec-wiring-${process.pid}`;

let app: NestExpressApplication;

beforeAll(async () => {
  await buildOffice(DB, 30, 2);
  app = await createApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  await app.get(OpenDentalApiSandbox).registerCustomer({ customerKey: KEY, database: DB, minIntervalMs: 0 });
});

afterAll(async () => {
  await app?.close();
  const redis = new IORedis(TEST_REDIS_URL); // db 7 is this suite's: drop the sandbox registry and the queues' keys
  const keys = [...await redis.keys(`spec-wiring-${process.pid}*`), ...await redis.keys('bull:*')];
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  const admin = await openSandboxConnection(MYSQL_URL);
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
});

it('the sandbox answers ODFHIR calls behind the global API-key guard, with OpenDental-style errors', async () => {
  const http = request(app.getHttpServer());
  const ok = await http.get(`${SANDBOX_API_PREFIX}/providers`).set('Authorization', `ODFHIR sandbox-developer-key/${KEY}`).set('Content-Type', 'application/json');
  expect(ok.status).toBe(200);
  expect(ok.body.length).toBeGreaterThan(0);
  const created = await http.post(`${SANDBOX_API_PREFIX}/patients`).set('Authorization', `ODFHIR sandbox-developer-key/${KEY}`).send({ LName: 'Wired', FName: 'Up', Extra: 1 });
  expect(created.status).toBe(201); // the global ValidationPipe leaves raw OpenDental bodies alone
  const refused = await http.get(`${SANDBOX_API_PREFIX}/providers`).set('Authorization', 'Bearer nope').set('Content-Type', 'application/json');
  expect(refused.status).toBe(401);
  expect(typeof refused.body).toBe('string');
});

it('the sandbox stays out of the OpenAPI document', () => {
  expect(Object.keys(buildOpenApi(app).paths).filter((p) => p.startsWith('/sandbox'))).toEqual([]);
});

it('the adapter resolved from OpenDentalApiModule (app REDIS) syncs from the sandbox over HTTP', async () => {
  const adapter = app.get(OpenDentalApiAdapter);
  const address = app.getHttpServer().address() as { port: number };
  const ctx = apiContext(`http://127.0.0.1:${address.port}${SANDBOX_API_PREFIX}`, KEY, { timeZone: 'UTC' });
  const result = await readAll(adapter, ctx, 'locations');
  expect(result.records.size).toBeGreaterThan(0);
  const redis = new IORedis(TEST_REDIS_URL);
  const keys = await redis.keys('opendental-api:throttle:*');
  await redis.quit();
  expect(keys.some((k) => k.includes(KEY))).toBe(false); // the throttle entry is a hash, never the key
  expect(keys.length).toBeGreaterThan(0);
}, 30_000);
