import { Client } from 'pg';
import { AuditMaintenanceService } from '../../src/modules/audit/audit-maintenance.service';
import { bootApp, createOrg, TestApp } from '../helpers/app';

const DAY = 86_400_000;

/** `audit_events_pYYYYMM` of the UTC month `offset` months from `at`. */
function partitionOf(at: Date, offset = 0): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  return `audit_events_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('audit retention: monthly partitions, old months dropped whole, the chain verified from its anchor', () => {
  let t: TestApp;
  let org: { id: string; auth: string };
  let pg: Client;

  const partitions = async () => (await pg.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_events'::regclass`)).rows.map((r) => r.relname);
  const insertAt = async (at: string | null) => (await pg.query<{ chain_seq: string }>(
    `INSERT INTO audit_events (organization_id, actor_type, actor_id, action, outcome, created_at)
     VALUES ($1, 'system', 'system', 'retention.probe', 'success', coalesce($2::timestamptz, now())) RETURNING chain_seq`, [org.id, at])).rows[0].chain_seq;
  const verify = async () => (await t.http.get('/api/v1/audit-events/verify').set('Authorization', org.auth).expect(200)).body;

  beforeAll(async () => {
    t = await bootApp();
    org = await createOrg(t, 'Retention Dental');
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('keeps the current month and three ahead as partitions, and a current event lands in its month', async () => {
    const now = new Date();
    await t.app.get(AuditMaintenanceService).run();
    expect(await partitions()).toEqual(expect.arrayContaining([partitionOf(now), partitionOf(now, 3), 'audit_events_default']));
    await insertAt(null);
    const { rows } = await pg.query(`SELECT tableoid::regclass::text AS part FROM audit_events WHERE organization_id = $1`, [org.id]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /^audit_events_p\d{6}$/.test(r.part))).toBe(true); // a month, never the default partition
  });

  it('drops months older than AUDIT_RETENTION_DAYS whole, keeps a month that ends inside it, and verification starts at the anchor', async () => {
    const now = new Date();
    // Events from 2019 (found in the default partition) and one 2,185 days old, inside the default 2,190-day retention.
    const old = [await insertAt('2019-03-10T10:00:00Z'), await insertAt('2019-03-11T10:00:00Z'), await insertAt('2019-04-20T10:00:00Z')];
    const kept = new Date(now.getTime() - 2185 * DAY);
    await insertAt(kept.toISOString());
    const after = [await insertAt(null), await insertAt(null)];
    const whole = await verify();
    expect(whole).toMatchObject({ ok: true, firstBroken: null, anchor: null });
    expect((await pg.query(`SELECT count(*)::int AS n FROM audit_events_default WHERE organization_id = $1`, [org.id])).rows[0].n).toBe(4);

    const result = await t.app.get(AuditMaintenanceService).run();
    expect(result.created).toEqual(expect.arrayContaining(['audit_events_p201903', 'audit_events_p201904', partitionOf(kept)]));
    expect(result.dropped).toEqual(expect.arrayContaining(['audit_events_p201903', 'audit_events_p201904']));
    expect(result.dropped).not.toContain(partitionOf(kept));
    expect(await partitions()).not.toContain('audit_events_p201903');
    expect((await pg.query('SELECT count(*)::int AS n FROM audit_events_default')).rows[0].n).toBe(0);

    const anchorSeq = Number(old[2]) + 1;
    const { rows: remaining } = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE organization_id = $1 AND chain_seq >= $2', [org.id, anchorSeq]);
    const verified = await verify();
    expect(verified).toMatchObject({ ok: true, firstBroken: null, checked: remaining[0].n, anchor: { chainSeq: anchorSeq, droppedPartition: 'audit_events_p201904' } });
    expect(Number(after[1])).toBeGreaterThan(anchorSeq);

    // Export still streams what is kept, oldest first.
    const lines = (await t.http.get('/api/v1/audit-events/export').set('Authorization', org.auth).expect(200)).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.chainSeq)).not.toContain(Number(old[0]));
    expect(lines.length).toBe((await pg.query('SELECT count(*)::int AS n FROM audit_events WHERE organization_id = $1', [org.id])).rows[0].n);

    // A second pass has nothing to do.
    expect(await t.app.get(AuditMaintenanceService).run()).toEqual({ created: [], dropped: [] });

    // The first event after the dropped months is still guarded: removing it breaks the chain at the anchor.
    await pg.query('DELETE FROM audit_events WHERE organization_id = $1 AND chain_seq = $2', [org.id, anchorSeq]);
    expect((await verify()).firstBroken).toMatchObject({ chainSeq: anchorSeq + 1, reason: 'gap' });
  });
});
