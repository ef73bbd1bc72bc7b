import request from 'supertest';
import { InternalMetricsServer } from '../../src/modules/operations/internal-metrics.server';
import { bootAppWith, createOrg, TestApp } from '../helpers/app';

const METRICS_TOKEN = 'metrics-token-for-the-spec-0123';

describe('operations: /metrics and the queue dashboard', () => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await bootAppWith({ METRICS_TOKEN });
    auth = (await createOrg(t, 'Operations Dental')).auth;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('/metrics needs the metrics token: none or a wrong one is 401, an API key is not enough', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-wrong-token').expect(401);
    await t.http.get('/metrics').set('Authorization', auth).expect(401);
    await t.http.get('/metrics').set('Authorization', `Bearer ${t.adminKey}`).expect(401);
  });

  it('/metrics serves Prometheus text with request durations by route, queue depths and process metrics', async () => {
    await t.http.get('/api/v1/patients?limit=1').set('Authorization', auth).expect(200);
    await t.http.get('/api/v1/patients/00000000-0000-4000-8000-000000000000').set('Authorization', auth).expect(404);
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = res.text;
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/patients",status_code="200"\} [1-9]/);
    // The route label is the pattern, never the id in the path.
    expect(text).toMatch(/route="\/api\/v1\/patients\/:id",status_code="404"/);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    for (const queue of ['sync-jobs', 'actions', 'webhook-processing', 'schedules', 'data-transformation', 'conflict-resolution']) {
      expect(text).toMatch(new RegExp(`bullmq_queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+`));
      expect(text).toMatch(new RegExp(`bullmq_queue_jobs\\{queue="${queue}",state="failed"\\} \\d+`));
    }
    for (const series of ['process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'sync_records_total', 'vendor_requests_total', 'webhook_deliveries_total', 'conflict_decisions_total']) {
      expect(text).toContain(`# TYPE ${series}`);
    }
  });

  it('webhook rejections are counted by reason', async () => {
    await t.http.post('/api/v1/webhooks/6f1c1d5e-0000-4000-8000-00000000abcd').set('Content-Type', 'application/json').send('{"x":1}').expect(401);
    await t.http.post('/api/v1/webhooks/not-a-uuid').set('Content-Type', 'application/json').send('{"x":1}').expect(401);
    const text = (await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    expect(text).toMatch(/webhook_deliveries_total\{outcome="rejected",reason="unknown_integration"\} 2/);
  });

  it('the queue dashboard answers only to the admin key (Bearer or Basic) and lists every queue', async () => {
    const anonymous = await t.http.get('/admin/queues').expect(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    await t.http.get('/admin/queues').set('Authorization', auth).expect(401);
    await t.http.get('/admin/queues/api/queues').set('Authorization', 'Basic ' + Buffer.from('ops:wrong').toString('base64')).expect(401);
    const page = await t.http.get('/admin/queues').set('Authorization', `Bearer ${t.adminKey}`).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const api = await t.http.get('/admin/queues/api/queues').set('Authorization', 'Basic ' + Buffer.from(`ops:${t.adminKey}`).toString('base64')).expect(200);
    const names = (api.body.queues as Array<{ name: string; readOnlyMode: boolean }>).map((q) => q.name).sort();
    expect(names).toEqual(['actions', 'conflict-resolution', 'data-transformation', 'schedules', 'sync-jobs', 'webhook-processing']);
    // Outside production the dashboard may retry and clean jobs.
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode === false)).toBe(true);
  });
});

describe('operations: /metrics without METRICS_TOKEN', () => {
  it('answers 404, so nothing is exposed until an operator opts in', async () => {
    const t = await bootAppWith({ METRICS_TOKEN: undefined });
    try {
      await t.http.get('/metrics').expect(404);
      await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
    } finally {
      await t.close();
    }
  });
});

describe('operations: the internal metrics port (METRICS_PORT)', () => {
  it('serves /metrics there without a token, 404 for any other path, while the API port stays closed', async () => {
    const t = await bootAppWith({ METRICS_TOKEN: undefined, METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
    try {
      const port = t.app.get(InternalMetricsServer).port;
      expect(port).toBeGreaterThan(0);
      await t.http.get('/api/v1/patients?limit=1').expect(401);
      const internal = request(`http://127.0.0.1:${port}`);
      const res = await internal.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/patients",status_code="401"\} [1-9]/);
      expect(res.text).toMatch(/bullmq_queue_jobs\{queue="sync-jobs",state="waiting"\} \d+/);
      await internal.get('/').expect(404);
      await internal.post('/metrics').expect(404);
      // The API port's /metrics keeps its own rule: no METRICS_TOKEN, nothing there.
      await t.http.get('/metrics').expect(404);
    } finally {
      await t.close();
    }
    expect(t.app.get(InternalMetricsServer).port).toBeNull();
  });
});

describe('operations: the queue dashboard in production', () => {
  it('is read-only', async () => {
    const adminKey = 'production-admin-key-for-the-spec';
    const t = await bootAppWith({ NODE_ENV: 'production', ADMIN_API_KEY: adminKey, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') });
    try {
      const api = await t.http.get('/admin/queues/api/queues').set('Authorization', `Bearer ${adminKey}`).expect(200);
      expect(api.body.queues).toHaveLength(6);
      expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode === true)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
