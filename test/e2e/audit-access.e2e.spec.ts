import { Client } from 'pg';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';
import { AuditService } from '../../src/modules/audit/audit.service';

const DB = specDatabase('od_spec_access_audit');

describe('access audit: every read of patient data is audited; the chain is tamper-evident', () => {
  let t: TestApp;
  let org: { id: string; auth: string };
  let pg: Client;
  let patientIds: string[];

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 25, 17);
    t = await bootApp();
    org = await createOrg(t, 'Access Audit Dental');
    const integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
    const job = (await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full', resources: ['patients'] }).expect(202)).body;
    expect((await waitForJob(t, org.auth, job.id)).status).toBe('succeeded');
    patientIds = (await t.http.get('/api/v1/patients?limit=5').set('Authorization', org.auth).expect(200)).body.data.map((p: { id: string }) => p.id);
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  async function readEvents(): Promise<Array<Record<string, any>>> {
    await t.app.get(AuditService).flush();
    return (await t.http.get('/api/v1/audit-events?action=patient_data.read&limit=500').set('Authorization', org.auth).expect(200)).body.data;
  }

  it('a list read records the route, the ids shown, the count and a digest of the query, never the query itself', async () => {
    await t.http.get('/api/v1/patients?q=zzqqxx&limit=3').set('Authorization', org.auth).expect(200);
    const event = (await readEvents()).find((e) => e.details.queryDigest && e.details.route === '/api/v1/patients' && e.details.count === 0);
    expect(event).toBeDefined();
    expect(event!).toMatchObject({ actorType: 'api_key', outcome: 'success', targetType: 'patients', requestId: expect.any(String) });
    expect(JSON.stringify(event)).not.toContain('zzqqxx');
    await t.http.get('/api/v1/patients?limit=4').set('Authorization', org.auth).expect(200);
    const listed = (await readEvents()).find((e) => e.details.count === 4);
    expect(listed!.details.recordIds).toEqual(patientIds.slice(0, 4));
  });

  it('a detail read records the record id; a failed read (404) is audited as a failure', async () => {
    await t.http.get(`/api/v1/patients/${patientIds[0]}`).set('Authorization', org.auth).expect(200);
    await t.http.get('/api/v1/patients/00000000-0000-4000-8000-000000000000').set('Authorization', org.auth).expect(404);
    const events = await readEvents();
    expect(events.find((e) => e.targetId === patientIds[0] && e.details.route === '/api/v1/patients/:id')).toMatchObject({ outcome: 'success' });
    expect(events.find((e) => e.outcome === 'failure' && e.details.status === 404)).toBeDefined();
  });

  it('non-patient routes are not audited as reads', async () => {
    const before = (await readEvents()).length;
    await t.http.get('/api/v1/integrations').set('Authorization', org.auth).expect(200);
    await t.http.get('/api/v1/sync/jobs').set('Authorization', org.auth).expect(200);
    expect((await readEvents()).length).toBe(before);
  });

  it('the hash chain verifies, and an altered or deleted event is named', async () => {
    const ok = (await t.http.get('/api/v1/audit-events/verify').set('Authorization', org.auth).expect(200)).body;
    expect(ok).toMatchObject({ ok: true, firstBroken: null });
    expect(ok.checked).toBeGreaterThan(5);

    const { rows } = await pg.query<{ id: string; chain_seq: string }>('SELECT id, chain_seq FROM audit_events WHERE organization_id = $1 ORDER BY chain_seq LIMIT 1 OFFSET 2', [org.id]);
    await pg.query('ALTER TABLE audit_events DISABLE TRIGGER tr_audit_events_no_update');
    try {
      await pg.query(`UPDATE audit_events SET details = details || '{"tampered": true}' WHERE id = $1`, [rows[0].id]);
    } finally {
      await pg.query('ALTER TABLE audit_events ENABLE TRIGGER tr_audit_events_no_update');
    }
    const altered = (await t.http.get('/api/v1/audit-events/verify').set('Authorization', org.auth).expect(200)).body;
    expect(altered).toEqual({ ok: false, checked: Number(rows[0].chain_seq) - 1, firstBroken: { id: rows[0].id, chainSeq: Number(rows[0].chain_seq), reason: 'hash_mismatch' }, anchor: null });

    await pg.query('DELETE FROM audit_events WHERE id = $1', [rows[0].id]);
    const deleted = (await t.http.get('/api/v1/audit-events/verify').set('Authorization', org.auth).expect(200)).body;
    expect(deleted.firstBroken).toMatchObject({ chainSeq: Number(rows[0].chain_seq) + 1, reason: 'gap' });
  });

  it('export streams NDJSON, one event a line, oldest first, within from/to', async () => {
    const res = await t.http.get('/api/v1/audit-events/export').set('Authorization', org.auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l));
    const { rows } = await pg.query<{ n: string }>('SELECT count(*) n FROM audit_events WHERE organization_id = $1', [org.id]);
    expect(lines).toHaveLength(Number(rows[0].n));
    const seqs = lines.map((l) => l.chainSeq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const future = await t.http.get('/api/v1/audit-events/export?from=2999-01-01').set('Authorization', org.auth).expect(200);
    expect(future.text).toBe('');
  });

  it('reads buffered when the app shuts down are written, not lost', async () => {
    const app2 = await bootApp();
    await app2.http.get(`/api/v1/patients/${patientIds[1]}`).set('Authorization', org.auth).expect(200);
    await app2.close(); // before the 1 s flush timer
    const { rows } = await pg.query(`SELECT 1 FROM audit_events WHERE organization_id = $1 AND action = 'patient_data.read' AND target_id = $2`, [org.id, patientIds[1]]);
    expect(rows.length).toBe(1);
  });
});
