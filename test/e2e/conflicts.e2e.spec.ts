import { Connection } from 'mysql2/promise';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_conflicts');

interface Conflict {
  id: string; field: string; status: string; strategy: string | null; resolution: string | null; reason: string | null; resolvedBy: string | null;
  base: { value: unknown }; local: { value: unknown; at: string }; remote: { value: unknown; at: string }; resolvedValue: unknown;
}

/**
 * Three-way conflicts on real syncs of the OpenDental DB sandbox: a local edit (PATCH), then a
 * change of the same or another field in the office's database, then a sync. Covers manual
 * review with use_local and use_remote, field_merge (another field: silent; the same list,
 * different entries: merged; the same value: left open), last_write_wins, ignore and
 * source_priority, policy validation, audit events and tenancy.
 */
describe('conflicts between local edits and source changes', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let integrationId: string;
  const ids = new Map<string, string>(); // PatNum → our id
  let pats: string[];

  const get = (path: string, auth = org.auth) => t.http.get(path).set('Authorization', auth);
  const sync = async () => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    expect((await waitForJob(t, org.auth, created.body.id)).status).toBe('succeeded');
  };
  const record = async (patNum: string) => (await get(`/api/v1/patients/${ids.get(patNum)}`).expect(200)).body;
  const edit = async (patNum: string, body: object) => {
    const tag = (await get(`/api/v1/patients/${ids.get(patNum)}`).expect(200)).headers.etag;
    await t.http.patch(`/api/v1/patients/${ids.get(patNum)}`).set('Authorization', org.auth).set('If-Match', tag).send(body).expect(200);
  };
  const source = (patNum: string, column: string, value: string) =>
    mysql.query(`UPDATE patient SET ${column} = ?, DateTStamp = DateTStamp WHERE PatNum = ?`, [value, patNum]);
  /** The record's conflicts once the conflict-resolution queue has decided every one of them. */
  const decided = async (patNum: string): Promise<Conflict[]> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const list: Conflict[] = (await get(`/api/v1/sync/conflicts?recordId=${ids.get(patNum)}`).expect(200)).body.data;
      if (list.every((c) => c.strategy !== null)) return list;
      if (Date.now() > deadline) throw new Error(`conflicts of ${patNum} still undecided`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const policy = (rules: object[]) => t.http.put('/api/v1/conflict-policies').set('Authorization', org.auth).send({ rules });

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 60, 17);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    t = await bootApp();
    org = await createOrg(t);
    integrationId = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send(integrationBody(sandbox)).expect(201)).body.id;
    await sync();
    const [rows] = await mysql.query(
      "SELECT PatNum FROM patient WHERE PatStatus = 0 AND Birthdate > '0001-01-01' AND Email <> '' AND WirelessPhone <> '' ORDER BY PatNum LIMIT 8");
    pats = (rows as Array<{ PatNum: number }>).map((r) => String(r.PatNum));
    expect(pats).toHaveLength(8);
    for (const p of pats) ids.set(p, (await get(`/api/v1/patients?externalId=${p}`).expect(200)).body.data[0].id);
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('without a policy, the same field changed on both sides waits for review; use_local and use_remote resolve it', async () => {
    const [p1, p2] = pats;
    const before = await record(p1);
    await edit(p1, { preferredName: 'Local One' });
    await edit(p2, { preferredName: 'Local Two' });
    await source(p1, 'Preferred', 'Remote One');
    await source(p2, 'Preferred', 'Remote Two');
    await sync();

    const [c1] = await decided(p1);
    expect(c1).toMatchObject({
      field: 'preferredName', status: 'open', strategy: 'manual', base: { value: before.data.preferredName }, local: { value: 'Local One' }, remote: { value: 'Remote One' },
    });
    expect(Date.parse(c1.remote.at)).toBeGreaterThan(Date.parse(c1.local.at));
    const detail = (await get(`/api/v1/sync/conflicts/${c1.id}`).expect(200)).body;
    expect(detail.current).toEqual({ source: 'Remote One', local: 'Local One', effective: 'Local One' });
    const review = (await get(`/api/v1/audit-events?action=conflict.review_requested&targetId=${c1.id}`).expect(200)).body.data;
    expect(review).toHaveLength(1);

    const other = await createOrg(t, 'Other Dental');
    await get(`/api/v1/sync/conflicts/${c1.id}`, other.auth).expect(404);
    await t.http.post(`/api/v1/sync/conflicts/${c1.id}/resolve`).set('Authorization', other.auth).send({ strategy: 'use_remote' }).expect(404);
    expect((await get('/api/v1/sync/conflicts', other.auth).expect(200)).body.data).toEqual([]);

    const kept = (await t.http.post(`/api/v1/sync/conflicts/${c1.id}/resolve`).set('Authorization', org.auth).send({ strategy: 'use_local', reason: 'confirmed' }).expect(200)).body;
    expect(kept).toMatchObject({ status: 'resolved', strategy: 'manual', resolution: 'use_local', resolvedValue: 'Local One', reason: 'confirmed' });
    expect(kept.writeBack).toMatchObject({ status: 'unsupported' }); // the database adapter reads only
    const r1 = await record(p1);
    expect(r1.data.preferredName).toBe('Local One');
    expect(r1.edits.preferredName).toMatchObject({ local: 'Local One', source: 'Remote One', base: 'Remote One' });
    await t.http.post(`/api/v1/sync/conflicts/${c1.id}/resolve`).set('Authorization', org.auth).send({ strategy: 'use_remote' }).expect(409);

    const [c2] = await decided(p2);
    await t.http.post(`/api/v1/sync/conflicts/${c2.id}/resolve`).set('Authorization', org.auth).send({ strategy: 'use_remote' }).expect(200);
    const r2 = await record(p2);
    expect(r2.data.preferredName).toBe('Remote Two');
    expect(r2.edits).toEqual({});
    const audit = (await get(`/api/v1/audit-events?action=conflict.resolved&targetId=${c2.id}`).expect(200)).body.data;
    expect(audit[0].details).toMatchObject({ field: 'preferredName', strategy: 'manual', resolution: 'use_remote' });
    expect(JSON.stringify(audit[0])).not.toContain('Remote Two');

    // A re-sync of the same source values raises nothing again; resolved conflicts stay listed.
    await sync();
    expect((await get(`/api/v1/sync/conflicts?recordId=${ids.get(p1)}`).expect(200)).body.data.map((c: Conflict) => c.status)).toEqual(['resolved']);
  });

  it('validates the policy, naming the rule field', async () => {
    const field = async (rules: object[]) => (await policy(rules).expect(400)).body.details.map((d: { field: string }) => d.field);
    expect(await field([{ resourceType: 'patients', field: '*', strategy: 'coin_flip' }])).toEqual(['rules.0.strategy']);
    expect(await field([{ resourceType: 'patients', field: 'shoeSize', strategy: 'manual' }])).toEqual(['rules.0.field']);
    expect(await field([{ resourceType: 'patients', field: '*', strategy: 'source_priority' }])).toEqual(['rules.0.sourcePriority']);
    expect(await field([{ resourceType: 'patients', field: '*', strategy: 'source_priority', sourcePriority: ['00000000-0000-4000-8000-000000000000'] }]))
      .toEqual(['rules.0.sourcePriority']);
  });

  it('field_merge applies a change of another field silently, merges different entries of one list, and leaves a true overlap open', async () => {
    const [, , p3, p4, p5] = pats;
    const rules = [{ resourceType: 'patients', field: '*', strategy: 'field_merge' }];
    expect((await policy(rules).expect(200)).body.rules).toEqual(rules);
    expect((await get('/api/v1/conflict-policies').expect(200)).body.rules).toEqual(rules);

    await edit(p3, { preferredName: 'Kept' });
    await source(p3, 'Address', '12 Merge Rd');
    const telecom = (await record(p4)).data.telecom.map((c: { use: string; value: string }) => (c.use === 'mobile' ? { ...c, value: '503-555-0142' } : c));
    await edit(p4, { telecom });
    await source(p4, 'Email', 'merged@example.org');
    await edit(p5, { preferredName: 'Mine' });
    await source(p5, 'Preferred', 'Theirs');
    await sync();

    expect(await decided(p3)).toEqual([]);
    const r3 = await record(p3);
    expect(r3.data).toMatchObject({ preferredName: 'Kept', addresses: [expect.objectContaining({ line: ['12 Merge Rd'] })] });

    const [c4] = await decided(p4);
    expect(c4).toMatchObject({ field: 'telecom', status: 'resolved', strategy: 'field_merge', resolution: 'merge', resolvedBy: 'system' });
    const r4 = await record(p4);
    const values = r4.data.telecom.map((c: { value: string }) => c.value);
    expect(values).toEqual(expect.arrayContaining(['503-555-0142', 'merged@example.org']));
    expect(r4.edits.telecom.base).toEqual(r4.edits.telecom.source);

    const [c5] = await decided(p5);
    expect(c5).toMatchObject({ field: 'preferredName', status: 'open', strategy: 'field_merge', reason: 'both changed $' });
    expect((await record(p5)).data.preferredName).toBe('Mine');
  });

  it('last_write_wins takes the later source change, ignore keeps the local edit, source_priority follows the order', async () => {
    const [, , , , , p6, p7, p8] = pats;
    await policy([
      { resourceType: 'patients', field: '*', strategy: 'ignore' },
      { resourceType: 'patients', field: 'preferredName', strategy: 'last_write_wins' },
      { resourceType: 'patients', field: 'language', strategy: 'source_priority', sourcePriority: [integrationId, 'local'] },
    ]).expect(200);
    await edit(p6, { preferredName: 'Early local' });
    await edit(p7, { addresses: [{ use: 'home', line: ['1 Local St'], city: 'Salem', state: 'OR', postalCode: '97301', country: null }] });
    await edit(p8, { language: 'local-lang' });
    await source(p6, 'Preferred', 'Later remote');
    await source(p7, 'Address', '9 Remote Ave');
    await source(p8, 'Language', 'fr');
    await sync();

    const [c6] = await decided(p6);
    expect(c6).toMatchObject({ status: 'resolved', strategy: 'last_write_wins', resolution: 'use_remote' });
    const r6 = await record(p6);
    expect(r6.data.preferredName).toBe('Later remote');
    expect(r6.edits).toEqual({});

    const [c7] = await decided(p7);
    expect(c7).toMatchObject({ field: 'addresses', status: 'ignored', strategy: 'ignore', resolution: 'ignore' });
    expect((await record(p7)).data.addresses[0].line).toEqual(['1 Local St']);
    expect((await get('/api/v1/sync/conflicts?status=ignored').expect(200)).body.data.map((c: Conflict) => c.id)).toContain(c7.id);

    const [c8] = await decided(p8);
    expect(c8).toMatchObject({ status: 'resolved', strategy: 'source_priority', resolution: 'use_remote' });
    expect((await record(p8)).data.language).toBe('fr');
    const auto = (await get(`/api/v1/audit-events?action=conflict.resolved&targetId=${c6.id}`).expect(200)).body.data;
    expect(auto[0]).toMatchObject({ actorType: 'system', details: { strategy: 'last_write_wins', resolution: 'use_remote' } });
  });

  it('a manual resolution checks its value against the field type; merge without a value on an overlap is refused', async () => {
    const open = (await get('/api/v1/sync/conflicts?status=open').expect(200)).body.data as Conflict[];
    const c5 = open.find((c) => c.field === 'preferredName') as Conflict;
    const resolve = (body: object) => t.http.post(`/api/v1/sync/conflicts/${c5.id}/resolve`).set('Authorization', org.auth).send(body);
    expect((await resolve({ strategy: 'manual' }).expect(400)).body.details[0].field).toBe('value');
    expect((await resolve({ strategy: 'manual', value: 42 }).expect(400)).body.details[0].field).toBe('value');
    expect((await resolve({ strategy: 'retry' }).expect(400)).body.details[0].field).toBe('strategy');
    await resolve({ strategy: 'merge' }).expect(409);
    // A new local edit of the field shows in the open conflict (and is based on the source value now).
    await edit(pats[4], { preferredName: 'Mine again' });
    expect((await get(`/api/v1/sync/conflicts/${c5.id}`).expect(200)).body).toMatchObject({ status: 'open', local: { value: 'Mine again' }, remote: { value: 'Theirs' } });
    const done = (await resolve({ strategy: 'manual', value: 'Agreed' }).expect(200)).body;
    expect(done).toMatchObject({ status: 'resolved', resolution: 'manual', resolvedValue: 'Agreed', current: { effective: 'Agreed' } });
  });
});
