import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { Response } from 'supertest';
import { bootApp, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_audit');

type AuditEvent = {
  id: string; actorType: string; actorId: string | null; action: string; targetType: string | null; targetId: string | null;
  outcome: string; requestId: string | null; details: Record<string, unknown>; createdAt: string;
};

describe('API keys and the audit trail', () => {
  let t: TestApp;
  let pg: Client;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  let orgRes: Response;
  let orgId: string;
  let key: string;
  let keyId: string;
  let auth: string;
  let secondKey: { id: string; key: string; res: Response };
  let revokeRes: Response;
  let integrationRes: Response;
  let integrationId: string;
  let credentialsRes: Response;
  let jobRes: Response;
  let job: Record<string, any>;
  const password = () => sandbox.password;

  async function events(query = ''): Promise<AuditEvent[]> {
    const res = await t.http.get(`/api/v1/audit-events?limit=500${query}`).set('Authorization', auth).expect(200);
    return res.body.data;
  }

  async function oneEvent(action: string, targetId: string): Promise<AuditEvent> {
    const found = (await events(`&action=${action}`)).filter((e) => e.targetId === targetId);
    expect(found).toHaveLength(1);
    return found[0];
  }

  beforeAll(async () => {
    sandbox = await buildSandbox(DB, 30);
    t = await bootApp();
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();

    orgRes = await t.http.post('/api/v1/organizations').set('Authorization', `Bearer ${t.adminKey}`).set('X-Request-Id', 'spec-create-org-0001')
      .send({ name: 'Audit Dental' }).expect(201);
    orgId = orgRes.body.id;
    key = orgRes.body.apiKey.key;
    keyId = orgRes.body.apiKey.id;
    auth = `Bearer ${key}`;

    const created = await t.http.post('/api/v1/api-keys').set('Authorization', auth).send({ name: 'second' }).expect(201);
    secondKey = { id: created.body.id, key: created.body.key, res: created };
    revokeRes = await t.http.delete(`/api/v1/api-keys/${secondKey.id}`).set('Authorization', auth).expect(200);

    integrationRes = await t.http.post('/api/v1/integrations').set('Authorization', auth).set('X-Request-Id', 'spec-create-integration-01')
      .send(integrationBody(sandbox)).expect(201);
    integrationId = integrationRes.body.id;
    credentialsRes = await t.http.patch(`/api/v1/integrations/${integrationId}`).set('Authorization', auth)
      .send({ credentials: { password: password() } }).expect(200);

    jobRes = await t.http.post('/api/v1/sync/jobs').set('Authorization', auth).send({ integrationId, mode: 'full' }).expect(202);
    job = await waitForJob(t, auth, jobRes.body.id);
    expect(job.status).toBe('succeeded');
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  describe('API keys', () => {
    it('POST /organizations returns the plaintext key once, with its id and prefix', () => {
      expect(orgRes.body).toMatchObject({ id: expect.any(String), name: 'Audit Dental', createdAt: expect.any(String) });
      expect(orgRes.body.apiKey).toMatchObject({ id: expect.any(String), name: 'default', prefix: expect.stringMatching(/^ehk_[0-9a-f]{12}$/) });
      expect(key).toMatch(/^ehk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(`${orgRes.body.apiKey.prefix}_`)).toBe(true);
      expect(secondKey.key).toMatch(/^ehk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(secondKey.key).not.toBe(key);
    });

    it('GET /api-keys never shows a key, only id, name, prefix and dates', async () => {
      const res = await t.http.get('/api/v1/api-keys').set('Authorization', auth).expect(200);
      expect(res.body).toHaveLength(2);
      for (const k of res.body) {
        expect(k).not.toHaveProperty('key');
        expect(k).not.toHaveProperty('keyHash');
        expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
      }
      expect(res.text).not.toContain(key);
      expect(res.text).not.toContain(key.slice(17));
      expect(res.text).not.toContain(secondKey.key.slice(17));
      expect(res.body.find((k: { id: string }) => k.id === secondKey.id).revokedAt).not.toBeNull();
      expect(res.body.find((k: { id: string }) => k.id === keyId).revokedAt).toBeNull();
    });

    it('keys are stored as SHA-256 hex of the whole key; the plaintext (or its secret part) is nowhere in the row', async () => {
      for (const [id, plaintext] of [[keyId, key], [secondKey.id, secondKey.key]]) {
        const res = await pg.query<{ key_hash: string; prefix: string; organization_id: string; row: string }>(
          'SELECT key_hash, prefix, organization_id, k::text AS row FROM api_keys k WHERE id = $1', [id]);
        expect(res.rows).toHaveLength(1);
        const row = res.rows[0];
        expect(row.key_hash).toBe(createHash('sha256').update(plaintext).digest('hex'));
        expect(row.prefix).toBe(plaintext.slice(0, 16));
        expect(row.organization_id).toBe(orgId);
        expect(row.row).not.toContain(plaintext);
        expect(row.row).not.toContain(plaintext.slice(17));
      }
      const anywhere = await pg.query<{ n: string }>(
        `SELECT count(*) AS n FROM audit_events a WHERE a::text LIKE '%' || $1 || '%'`, [key.slice(17)]);
      expect(Number(anywhere.rows[0].n)).toBe(0);
    });

    it('a revoked key no longer authenticates; the others still do', async () => {
      await t.http.get('/api/v1/organizations/current').set('Authorization', `Bearer ${secondKey.key}`).expect(401);
      const current = await t.http.get('/api/v1/organizations/current').set('Authorization', auth).expect(200);
      expect(current.body).toEqual({ id: orgId, name: 'Audit Dental', createdAt: orgRes.body.createdAt });
    });
  });

  describe('audit events of each action', () => {
    it('organization.created: by the admin, request id from the caller', async () => {
      const e = await oneEvent('organization.created', orgId);
      expect(e).toMatchObject({ actorType: 'admin', actorId: 'admin', targetType: 'organization', outcome: 'success', requestId: 'spec-create-org-0001' });
      expect(orgRes.headers['x-request-id']).toBe('spec-create-org-0001');
    });

    it('api_key.created: actor is the calling key, target the new key, requestId the X-Request-Id of the response', async () => {
      const e = await oneEvent('api_key.created', secondKey.id);
      expect(e).toMatchObject({ actorType: 'api_key', actorId: keyId, targetType: 'api_key', targetId: secondKey.id, outcome: 'success' });
      expect(e.requestId).toBe(secondKey.res.headers['x-request-id']);
      expect(JSON.stringify(e)).not.toContain(secondKey.key.slice(17));
    });

    it('api_key.revoked: actor, target and requestId', async () => {
      const e = await oneEvent('api_key.revoked', secondKey.id);
      expect(e).toMatchObject({ actorType: 'api_key', actorId: keyId, targetType: 'api_key', targetId: secondKey.id, outcome: 'success' });
      expect(e.requestId).toBe(revokeRes.headers['x-request-id']);
    });

    it('integration.created: vendor and environment in details, no credentials', async () => {
      const e = await oneEvent('integration.created', integrationId);
      expect(e).toMatchObject({ actorType: 'api_key', actorId: keyId, targetType: 'integration', outcome: 'success', requestId: 'spec-create-integration-01' });
      expect(integrationRes.headers['x-request-id']).toBe('spec-create-integration-01');
      expect(e.details).toMatchObject({ vendor: 'opendental-db', environment: 'sandbox' });
      expect(JSON.stringify(e)).not.toContain(password());
      expect(JSON.stringify(e.details)).not.toMatch(/password"\s*:\s*"/);
    });

    it('integration.credentials_updated: names the fields, never the values', async () => {
      const e = await oneEvent('integration.credentials_updated', integrationId);
      expect(e).toMatchObject({ actorType: 'api_key', actorId: keyId, targetType: 'integration', outcome: 'success' });
      expect(e.requestId).toBe(credentialsRes.headers['x-request-id']);
      expect(e.details).toMatchObject({ fields: ['password'] });
      expect(JSON.stringify(e)).not.toContain(password());
      // A credentials-only PATCH is not also reported as a generic update.
      expect((await events('&action=integration.updated')).filter((x) => x.targetId === integrationId)).toEqual([]);
    });

    it('sync_job.created: actor is the key, target the job, details name integration and mode', async () => {
      const e = await oneEvent('sync_job.created', job.id);
      expect(e).toMatchObject({ actorType: 'api_key', actorId: keyId, targetType: 'sync_job', outcome: 'success' });
      expect(e.requestId).toBe(jobRes.headers['x-request-id']);
      expect(e.details).toMatchObject({ integrationId, mode: 'full', trigger: 'api' });
    });

    it('sync_job.completed: by `system`, with status and totals, no request id and no PHI', async () => {
      const e = await oneEvent('sync_job.completed', job.id);
      expect(e).toMatchObject({ actorType: 'system', actorId: 'system', targetType: 'sync_job', outcome: 'success', requestId: null });
      expect(e.details).toMatchObject({ integrationId, status: 'succeeded', mode: 'full', errorCode: null });
      const totals = e.details.totals as Record<string, number>;
      expect(totals.fetched).toBeGreaterThanOrEqual(30);
      expect(totals.added).toBe(Object.values(job.progress as Record<string, { added: number }>).reduce((s, p) => s + p.added, 0));
      // No patient name from the source in the event.
      const patients = await t.http.get('/api/v1/patients?limit=5').set('Authorization', auth).expect(200);
      for (const p of patients.body.data) expect(JSON.stringify(e)).not.toContain(p.data.names[0].family);
    });

    it('every event of the organization has a known actor, and no event carries a secret', async () => {
      const all = await events();
      expect(all.length).toBeGreaterThanOrEqual(7);
      for (const e of all) {
        expect(['api_key', 'admin', 'system']).toContain(e.actorType);
        if (e.actorType === 'api_key') expect([keyId, secondKey.id]).toContain(e.actorId);
        const text = JSON.stringify(e);
        expect(text).not.toContain(password());
        expect(text).not.toContain(key.slice(17));
      }
    });
  });

  describe('GET /api/v1/audit-events filters and paging', () => {
    it('filters by action', async () => {
      const list = await events('&action=api_key.revoked');
      expect(list.length).toBe(1);
      expect(list.every((e) => e.action === 'api_key.revoked')).toBe(true);
      expect(await events('&action=no.such.action')).toEqual([]);
    });

    it('filters by targetId', async () => {
      const list = await events(`&targetId=${integrationId}`);
      expect(list.map((e) => e.action).sort()).toEqual(['integration.created', 'integration.credentials_updated']);
    });

    it('lists newest first', async () => {
      const all = await events();
      const times = all.map((e) => Date.parse(e.createdAt));
      expect([...times].sort((x, y) => y - x)).toEqual(times);
      expect(all[all.length - 1].action).toBe('organization.created');
    });

    it('filters by from (inclusive) and to (exclusive)', async () => {
      const all = await events();
      const middle = all[Math.floor(all.length / 2)];
      const from = await events(`&from=${encodeURIComponent(middle.createdAt)}`);
      const to = await events(`&to=${encodeURIComponent(middle.createdAt)}`);
      expect(from.every((e) => Date.parse(e.createdAt) >= Date.parse(middle.createdAt))).toBe(true);
      expect(to.every((e) => Date.parse(e.createdAt) < Date.parse(middle.createdAt))).toBe(true);
      expect(from.map((e) => e.id)).toContain(middle.id);
      expect(to.map((e) => e.id)).not.toContain(middle.id);
      expect(from.length + to.length).toBe(all.length);
      expect(await events(`&from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).toEqual([]);
      const window = await events(`&from=${encodeURIComponent(all[all.length - 1].createdAt)}&to=${encodeURIComponent(all[0].createdAt)}`);
      expect(window.map((e) => e.id)).toEqual(all.slice(1).filter((e) => e.createdAt !== all[0].createdAt).map((e) => e.id));
    });

    it('pages with an opaque cursor: every event once, in the same order as one big page', async () => {
      const all = await events();
      const paged: AuditEvent[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.http.get(url).set('Authorization', auth).expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        paged.push(...res.body.data);
        cursor = res.body.nextCursor;
        pages++;
        expect(pages).toBeLessThan(100);
      } while (cursor);
      expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(pages).toBe(Math.ceil(all.length / 2));
    });

    it('a cursor combines with filters', async () => {
      const first = await t.http.get('/api/v1/audit-events?limit=1&action=integration.tested').set('Authorization', auth).expect(200);
      expect(first.body.data).toEqual([]);
      const byTarget = await t.http.get(`/api/v1/audit-events?limit=1&targetId=${integrationId}`).set('Authorization', auth).expect(200);
      expect(byTarget.body.data).toHaveLength(1);
      expect(byTarget.body.data[0].action).toBe('integration.credentials_updated');
      const next = await t.http.get(`/api/v1/audit-events?limit=1&targetId=${integrationId}&cursor=${byTarget.body.nextCursor}`).set('Authorization', auth).expect(200);
      expect(next.body.data.map((e: AuditEvent) => e.action)).toEqual(['integration.created']);
      expect(next.body.nextCursor).toBeNull();
    });
  });

  describe('audit_events is append-only', () => {
    it('UPDATE is refused by the database', async () => {
      const [e] = await events('&action=integration.created');
      await expect(pg.query("UPDATE audit_events SET action = 'tampered' WHERE id = $1", [e.id])).rejects.toThrow(/append-only/);
      await expect(pg.query("UPDATE audit_events SET details = '{}'::jsonb")).rejects.toThrow(/append-only/);
      const again = await pg.query<{ action: string }>('SELECT action FROM audit_events WHERE id = $1', [e.id]);
      expect(again.rows[0].action).toBe('integration.created');
    });
  });
});
