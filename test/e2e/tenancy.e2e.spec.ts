import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { Response } from 'supertest';
import type { Balance } from '../../src/canonical';
import { PG_POOL } from '../../src/database/database.module';
import { RecordWriter } from '../../src/modules/records/record-writer';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_tenancy');

type Org = { id: string; key: string; auth: string };

/** Every error body has this shape, and its requestId is the response's X-Request-Id. */
function expectErrorBody(res: Response, statusCode: number): void {
  expect(res.status).toBe(statusCode);
  expect(res.body).toEqual({
    statusCode, error: expect.any(String), message: expect.any(String), requestId: res.headers['x-request-id'],
    ...(res.body.details === undefined ? {} : { details: res.body.details }),
  });
  expect(res.body.requestId).toBeTruthy();
}

describe('tenancy: another organization never sees or touches our objects', () => {
  let t: TestApp;
  let a: Org;
  let b: Org;
  /** Organization A's objects. */
  const ids: Record<string, string> = {};
  let aPatientExternalId: string;
  let bIntegrationId: string;

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 100);
    t = await bootApp();
    a = await createOrg(t, 'Org A Dental');
    b = await createOrg(t, 'Org B Dental');

    const integration = await t.http.post('/api/v1/integrations').set('Authorization', a.auth).send(integrationBody(sandbox)).expect(201);
    ids.integration = integration.body.id;
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', a.auth).send({ integrationId: ids.integration, mode: 'full' }).expect(202);
    const job = await waitForJob(t, a.auth, created.body.id);
    expect(job.status).toBe('succeeded');
    ids.job = job.id;

    // OpenDental has no balances resource: A's balance is written by the sync's own writer, as a vendor offering it would.
    const balance: Balance = {
      guarantor: null, location: null, currency: 'USD', total: 120, insuranceEstimate: 40, guarantorPortion: 80, writeOffEstimate: 0,
      aging: { under30: 120, days31to60: 0, days61to90: 0, over90: 0 },
    };
    await t.app.get(RecordWriter).writeAll(t.app.get<Pool>(PG_POOL), a.id, ids.integration, [{ resource: 'balances', record: { externalId: 'tenancy-balance-1', data: { ...balance } } }]);

    const resources = [
      ['patients', 'patient'], ['appointments', 'appointment'], ['providers', 'provider'], ['locations', 'location'],
      ['coverages', 'coverage'], ['documents', 'document'], ['balances', 'balance'],
    ];
    for (const [resource, name] of resources) {
      const res = await t.http.get(`/api/v1/${resource}?limit=1`).set('Authorization', a.auth).expect(200);
      expect(res.body.data).toHaveLength(1);
      ids[name] = res.body.data[0].id;
      if (resource === 'patients') aPatientExternalId = res.body.data[0].externalId;
    }
    const keys = await t.http.get('/api/v1/api-keys').set('Authorization', a.auth).expect(200);
    ids.apiKey = keys.body[0].id;

    // B has objects of its own, so its lists are not trivially empty.
    const bIntegration = await t.http.post('/api/v1/integrations').set('Authorization', b.auth)
      .send({ ...integrationBody(sandbox), name: 'B office' }).expect(201);
    bIntegrationId = bIntegration.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe("B's key gets 404 on every id-bearing route for A's objects (the same answer as for an unknown id)", () => {
    type Call = { name: string; method: 'get' | 'post' | 'patch' | 'delete'; path: (id: Record<string, string>) => string; key: string; body?: object };
    const calls: Call[] = [
      { name: 'GET integration', method: 'get', path: (i) => `/api/v1/integrations/${i.integration}`, key: 'integration' },
      { name: 'PATCH integration', method: 'patch', path: (i) => `/api/v1/integrations/${i.integration}`, key: 'integration', body: { name: 'hijacked' } },
      { name: 'PATCH integration credentials', method: 'patch', path: (i) => `/api/v1/integrations/${i.integration}`, key: 'integration', body: { credentials: { password: 'hijacked' } } },
      { name: 'POST integration toggle', method: 'post', path: (i) => `/api/v1/integrations/${i.integration}/toggle`, key: 'integration', body: { enabled: false } },
      { name: 'POST integration test', method: 'post', path: (i) => `/api/v1/integrations/${i.integration}/test`, key: 'integration' },
      { name: 'GET integration databases', method: 'get', path: (i) => `/api/v1/integrations/${i.integration}/databases`, key: 'integration' },
      { name: 'GET sync job', method: 'get', path: (i) => `/api/v1/sync/jobs/${i.job}`, key: 'job' },
      { name: 'GET sync job errors', method: 'get', path: (i) => `/api/v1/sync/jobs/${i.job}/errors`, key: 'job' },
      { name: 'DELETE sync job', method: 'delete', path: (i) => `/api/v1/sync/jobs/${i.job}`, key: 'job' },
      { name: 'POST sync job retry', method: 'post', path: (i) => `/api/v1/sync/jobs/${i.job}/retry`, key: 'job' },
      { name: 'GET patient', method: 'get', path: (i) => `/api/v1/patients/${i.patient}`, key: 'patient' },
      { name: 'GET appointment', method: 'get', path: (i) => `/api/v1/appointments/${i.appointment}`, key: 'appointment' },
      { name: 'GET provider', method: 'get', path: (i) => `/api/v1/providers/${i.provider}`, key: 'provider' },
      { name: 'GET location', method: 'get', path: (i) => `/api/v1/locations/${i.location}`, key: 'location' },
      { name: 'GET coverage', method: 'get', path: (i) => `/api/v1/coverages/${i.coverage}`, key: 'coverage' },
      { name: 'GET document', method: 'get', path: (i) => `/api/v1/documents/${i.document}`, key: 'document' },
      { name: 'GET balance', method: 'get', path: (i) => `/api/v1/balances/${i.balance}`, key: 'balance' },
      { name: 'DELETE api key', method: 'delete', path: (i) => `/api/v1/api-keys/${i.apiKey}`, key: 'apiKey' },
      { name: 'DELETE integration', method: 'delete', path: (i) => `/api/v1/integrations/${i.integration}`, key: 'integration' },
    ];

    it.each(calls)('$name', async ({ method, path, key, body }) => {
      const send = (auth: string, p: string) => {
        const req = t.http[method](p).set('Authorization', auth);
        return body ? req.send(body) : req;
      };
      const res = await send(b.auth, path(ids));
      expectErrorBody(res, 404);
      // "Not found" for another organization's object is indistinguishable from a missing one.
      const unknown = await send(b.auth, path({ ...ids, [key]: randomUUID() }));
      expectErrorBody(unknown, 404);
      expect(res.body.message).toBe(unknown.body.message);
      expect(res.body.error).toBe(unknown.body.error);
    });

    it("POST /sync/jobs with A's integrationId is 404 and starts nothing for A", async () => {
      const before = await t.http.get(`/api/v1/sync/jobs?integrationId=${ids.integration}`).set('Authorization', a.auth).expect(200);
      const res = await t.http.post('/api/v1/sync/jobs').set('Authorization', b.auth).send({ integrationId: ids.integration, mode: 'full' });
      expectErrorBody(res, 404);
      const after = await t.http.get(`/api/v1/sync/jobs?integrationId=${ids.integration}`).set('Authorization', a.auth).expect(200);
      expect(after.body.data.map((j: { id: string }) => j.id)).toEqual(before.body.data.map((j: { id: string }) => j.id));
    });

    it("A's objects are untouched afterwards: integration unchanged and enabled, key still valid, job still succeeded", async () => {
      const integration = await t.http.get(`/api/v1/integrations/${ids.integration}`).set('Authorization', a.auth).expect(200);
      expect(integration.body.name).not.toBe('hijacked');
      expect(integration.body.enabled).toBe(true);
      expect(integration.body.lastTestedAt).toBeNull(); // B's test call never ran against A's server
      const job = await t.http.get(`/api/v1/sync/jobs/${ids.job}`).set('Authorization', a.auth).expect(200);
      expect(job.body.status).toBe('succeeded');
      expect(job.body.cancelRequestedAt).toBeNull();
      const keys = await t.http.get('/api/v1/api-keys').set('Authorization', a.auth).expect(200);
      expect(keys.body.find((k: { id: string }) => k.id === ids.apiKey).revokedAt).toBeNull();
      // A's audit trail has no event caused by B.
      const audit = await t.http.get(`/api/v1/audit-events?targetId=${ids.integration}`).set('Authorization', a.auth).expect(200);
      expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['integration.created']);
      // And A's credentials still work (B's PATCH of credentials did not land).
      const test = await t.http.post(`/api/v1/integrations/${ids.integration}/test`).set('Authorization', a.auth).expect(200);
      expect(test.body.ok).toBe(true);
    });
  });

  describe("B's lists never include A's objects", () => {
    const includesA = (body: { data?: Array<{ id: string }> } | Array<{ id: string }>, id: string) =>
      (Array.isArray(body) ? body : body.data ?? []).some((o) => o.id === id);

    it('integrations (and health status) list only B\'s own', async () => {
      const res = await t.http.get('/api/v1/integrations').set('Authorization', b.auth).expect(200);
      expect(res.body.map((i: { id: string }) => i.id)).toEqual([bIntegrationId]);
      const health = await t.http.get('/api/v1/integrations/health/status').set('Authorization', b.auth).expect(200);
      expect(health.body.map((h: { integrationId: string }) => h.integrationId)).toEqual([bIntegrationId]);
    });

    it('sync jobs: none of A\'s, also when filtering by A\'s integrationId', async () => {
      const all = await t.http.get('/api/v1/sync/jobs?limit=500').set('Authorization', b.auth).expect(200);
      expect(includesA(all.body, ids.job)).toBe(false);
      const filtered = await t.http.get(`/api/v1/sync/jobs?integrationId=${ids.integration}`).set('Authorization', b.auth).expect(200);
      expect(filtered.body.data).toEqual([]);
      const statistics = await t.http.get(`/api/v1/sync/statistics?integrationId=${ids.integration}`).set('Authorization', b.auth).expect(200);
      expect(statistics.body).toEqual([]);
      // Control: A sees its job.
      const own = await t.http.get('/api/v1/sync/jobs').set('Authorization', a.auth).expect(200);
      expect(includesA(own.body, ids.job)).toBe(true);
    });

    it('patients: none of A\'s, by list, by integrationId and by externalId', async () => {
      for (const query of ['limit=500', `integrationId=${ids.integration}`, `externalId=${aPatientExternalId}`, 'includeDeleted=true&limit=500']) {
        const res = await t.http.get(`/api/v1/patients?${query}`).set('Authorization', b.auth).expect(200);
        expect(res.body.data).toEqual([]);
      }
      const own = await t.http.get(`/api/v1/patients?externalId=${aPatientExternalId}`).set('Authorization', a.auth).expect(200);
      expect(own.body.data).toHaveLength(1);
    });

    it('appointments, providers, locations, coverages, documents and balances: none of A\'s (also by A\'s patientId)', async () => {
      const paths = ['appointments?limit=500', `appointments?patientId=${ids.patient}`, `appointments?integrationId=${ids.integration}`, 'providers?limit=500', 'locations?limit=500'];
      for (const resource of ['coverages', 'documents', 'balances']) {
        paths.push(`${resource}?limit=500`, `${resource}?integrationId=${ids.integration}`, `${resource}?includeDeleted=true&limit=500`);
      }
      paths.push(`coverages?patientId=${ids.patient}`, 'balances?externalId=tenancy-balance-1');
      for (const path of paths) {
        const res = await t.http.get(`/api/v1/${path}`).set('Authorization', b.auth).expect(200);
        expect(res.body.data).toEqual([]);
      }
      const own = await t.http.get('/api/v1/appointments?limit=500').set('Authorization', a.auth).expect(200);
      expect(includesA(own.body, ids.appointment)).toBe(true);
      for (const [resource, name] of [['coverages', 'coverage'], ['documents', 'document'], ['balances', 'balance']]) {
        const mine = await t.http.get(`/api/v1/${resource}?limit=500`).set('Authorization', a.auth).expect(200);
        expect(includesA(mine.body, ids[name])).toBe(true);
      }
    });

    it("FHIR R4: B reads A's ids as 404 OperationOutcome and finds none of A's records by search", async () => {
      for (const [type, key] of [['Patient', 'patient'], ['Appointment', 'appointment'], ['Practitioner', 'provider'], ['Location', 'location']]) {
        const read = await t.http.get(`/fhir/R4/${type}/${ids[key]}`).set('Authorization', b.auth).expect(404);
        expect(read.headers['content-type']).toMatch(/^application\/fhir\+json/);
        expect(JSON.parse(read.text)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
        await t.http.get(`/fhir/R4/${type}/${ids[key]}`).set('Authorization', a.auth).expect(200);
        const search = await t.http.get(`/fhir/R4/${type}?_count=500`).set('Authorization', b.auth).expect(200);
        expect(JSON.parse(search.text).entry).toBeUndefined();
      }
      const byPatient = await t.http.get(`/fhir/R4/Appointment?patient=Patient/${ids.patient}`).set('Authorization', b.auth).expect(200);
      expect(JSON.parse(byPatient.text).entry).toBeUndefined();
    });

    it("audit events: none about A's objects, by targetId or otherwise", async () => {
      for (const target of [ids.integration, ids.job, ids.apiKey]) {
        const res = await t.http.get(`/api/v1/audit-events?targetId=${target}`).set('Authorization', b.auth).expect(200);
        expect(res.body.data).toEqual([]);
        const own = await t.http.get(`/api/v1/audit-events?targetId=${target}`).set('Authorization', a.auth).expect(200);
        if (target !== ids.apiKey) expect(own.body.data.length).toBeGreaterThan(0);
      }
      const all = await t.http.get('/api/v1/audit-events?limit=500').set('Authorization', b.auth).expect(200);
      const aIds = new Set(Object.values(ids).concat(a.id));
      expect(all.body.data.filter((e: { targetId: string }) => aIds.has(e.targetId))).toEqual([]);
    });

    it("api keys: B lists only its own key; organizations/current is B's", async () => {
      const keys = await t.http.get('/api/v1/api-keys').set('Authorization', b.auth).expect(200);
      expect(keys.body.map((k: { id: string }) => k.id)).not.toContain(ids.apiKey);
      expect(keys.body).toHaveLength(1);
      const current = await t.http.get('/api/v1/organizations/current').set('Authorization', b.auth).expect(200);
      expect(current.body.id).toBe(b.id);
    });
  });

  describe('authentication and authorization', () => {
    it('no Authorization header → 401 { statusCode, error, message, requestId }', async () => {
      const res = await t.http.get('/api/v1/integrations');
      expectErrorBody(res, 401);
      expect(res.body.message).toMatch(/authorization/i);
    });

    it('a malformed header or an unknown key → 401', async () => {
      expectErrorBody(await t.http.get('/api/v1/integrations').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`), 401);
      expectErrorBody(await t.http.get('/api/v1/integrations').set('Authorization', 'Bearer nope'), 401);
      const forged = `${a.key.slice(0, 17)}${'A'.repeat(a.key.length - 17)}`; // A's prefix, wrong secret
      expectErrorBody(await t.http.get('/api/v1/integrations').set('Authorization', `Bearer ${forged}`), 401);
    });

    it('a revoked key → 401 (and it worked before)', async () => {
      const created = await t.http.post('/api/v1/api-keys').set('Authorization', a.auth).send({ name: 'to revoke' }).expect(201);
      const auth = `Bearer ${created.body.key}`;
      await t.http.get('/api/v1/integrations').set('Authorization', auth).expect(200);
      await t.http.delete(`/api/v1/api-keys/${created.body.id}`).set('Authorization', a.auth).expect(200);
      const res = await t.http.get('/api/v1/integrations').set('Authorization', auth);
      expectErrorBody(res, 401);
      expect(res.body.message).toMatch(/revoked|invalid/i);
    });

    it('the admin key on a tenant route → 403', async () => {
      for (const path of ['/api/v1/integrations', '/api/v1/patients', '/api/v1/organizations/current', '/api/v1/api-keys']) {
        expectErrorBody(await t.http.get(path).set('Authorization', `Bearer ${t.adminKey}`), 403);
      }
    });

    it('an organization key on POST /api/v1/organizations → 403', async () => {
      const res = await t.http.post('/api/v1/organizations').set('Authorization', a.auth).send({ name: 'Sneaky' });
      expectErrorBody(res, 403);
    });

    it('health and docs need no key', async () => {
      await t.http.get('/health').expect(200);
      await t.http.get('/docs-json').expect(200);
    });
  });
});
