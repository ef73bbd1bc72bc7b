import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';

/** A booted in-process app (API and worker) and helpers to call it as a client would. */
export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  adminKey: string;
  close(): Promise<void>;
}

/** Boots the whole app in this process, without listening on a port (supertest drives it). */
export async function bootApp(): Promise<TestApp> {
  const app = await createApp({ logger: false });
  await app.init();
  const http = request(app.getHttpServer());
  return { app, http, adminKey: loadEnv().adminApiKey, close: () => app.close() };
}

/** Creates an organization through the API and returns its id and plaintext key. */
export async function createOrg(t: TestApp, name = 'Test Dental'): Promise<{ id: string; key: string; auth: string }> {
  const res = await t.http.post('/api/v1/organizations').set('Authorization', `Bearer ${t.adminKey}`).send({ name }).expect(201);
  return { id: res.body.id, key: res.body.apiKey.key, auth: `Bearer ${res.body.apiKey.key}` };
}

/** Polls a sync job until it leaves queued/running; fails the test after `timeoutMs`. */
export async function waitForJob(t: TestApp, auth: string, jobId: string, timeoutMs = 60_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http.get(`/api/v1/sync/jobs/${jobId}`).set('Authorization', auth).expect(200);
    if (!['queued', 'running'].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Boots the app with `env` applied for its start-up (`undefined` = unset), then restores the
 * process environment: the app keeps what it read at boot (config, outbound policy), and the
 * next spec or app sees the environment as it was.
 */
export async function bootAppWith(env: Record<string, string | undefined>): Promise<TestApp> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(env);
  try {
    return await bootApp();
  } finally {
    apply(saved);
  }
}
