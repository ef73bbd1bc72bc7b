import { Connection } from 'mysql2/promise';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthSandbox } from '../../src/sandbox/nexhealth';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_xsource');

interface Conflict {
  id: string; kind: string; field: string; status: string; strategy: string | null; resolution: string | null; reason: string | null; personId: string | null;
  winningIntegrationId: string | null; sources: Array<{ recordId: string; integrationId: string; value: Array<{ value: string }>; at: string }> | null;
}

/**
 * Cross-source conflicts over real syncs of two sandboxes of one organization (docs/conflicts.md):
 * Harold Quillfeather in the OpenDental database sandbox and in the NexHealth sandbox, linked to
 * one person on name and birth date, with a different phone in each.
 */
describe('cross-source conflicts between the OpenDental and NexHealth sandboxes', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let od: string;
  let nex: string;
  const get = (path: string) => t.http.get(path).set('Authorization', org.auth);
  const sync = async (integrationId: string) => {
    const created = await t.http.post('/api/v1/sync/jobs').set('Authorization', org.auth).send({ integrationId, mode: 'full' }).expect(202);
    expect((await waitForJob(t, org.auth, created.body.id)).status).toBe('succeeded');
  };
  // DateTStamp kept as it is: a row stamped in the last seconds is left to the next pass (as conflicts.e2e.spec.ts does).
  const odPhone = (phone: string) =>
    mysql.query(`UPDATE patient SET HmPhone = ?, DateTStamp = DateTStamp WHERE PatNum = 1`, [phone]);
  const crossSource = async (): Promise<Conflict[]> =>
    ((await get('/api/v1/sync/conflicts?resourceType=patients').expect(200)).body.data as Conflict[]).filter((c) => c.kind === 'cross_source');
  /** The conflict once the conflict-resolution queue has decided it. */
  const decided = async (id: string): Promise<Conflict> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const c: Conflict = (await get(`/api/v1/sync/conflicts/${id}`).expect(200)).body;
      if (c.strategy !== null) return c;
      if (Date.now() > deadline) throw new Error(`conflict ${id} still undecided`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const golden = async (personId: string) => (await get(`/api/v1/persons/${personId}`).expect(200)).body.fields.telecom;

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 5, 41);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    // DateTStamp kept (the sandbox stamps rows in the past): MariaDB would stamp NOW(), and a sync
    // starting in that second (a warm process boots the app in well under one) leaves Harold to the next pass.
    await mysql.query(`UPDATE patient SET FName = 'Harold', LName = 'Quillfeather', MiddleI = '', Preferred = '', Birthdate = '1961-02-03', Gender = 0,
      HmPhone = '(503) 555-0111', WirelessPhone = '', WkPhone = '', Email = '', DateTStamp = DateTStamp WHERE PatNum = 1`);
    t = await bootApp();
    t.app.get(NexHealthSandbox).reset({ seed: 5, patients: 0 });
    await t.http.post(`${NEXHEALTH_SANDBOX_PREFIX}/_admin/patients`).set('Authorization', NEXHEALTH_SANDBOX_API_KEY)
      .send({ first_name: 'Harold', last_name: 'Quillfeather', bio: { date_of_birth: '1961-02-03', phone_number: '503.555.0122', gender: 'Male' } }).expect(201);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    org = await createOrg(t);
    od = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send({ ...integrationBody(sandbox), name: 'front desk' }).expect(201)).body.id;
    nex = (await t.http.post('/api/v1/integrations').set('Authorization', org.auth).send({
      vendor: 'nexhealth', name: 'online booking', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${port}${NEXHEALTH_SANDBOX_PREFIX}`, subdomain: NEXHEALTH_SANDBOX_SUBDOMAIN, locationId: 101 },
      credentials: { apiKey: NEXHEALTH_SANDBOX_API_KEY },
    }).expect(201)).body.id;
    await sync(od);
    await sync(nex);
  });

  afterAll(async () => {
    await mysql?.end();
    await t?.close();
  });

  it('raises one open cross_source conflict for telecom, with each source\'s value and time; 404 for another organization', async () => {
    const open = (await crossSource()).filter((c) => c.status === 'open');
    expect(open.map((c) => c.field)).toEqual(['telecom']);
    const c = await decided(open[0].id);
    expect(c).toMatchObject({ status: 'open', strategy: 'manual', personId: expect.any(String) });
    expect(c.sources!.map((s) => [s.integrationId, s.value[0].value]).sort()).toEqual([[nex, '503.555.0122'], [od, '(503) 555-0111']].sort());
    expect(c.sources!.every((s) => !Number.isNaN(Date.parse(s.at)))).toBe(true);
    const person = (await get(`/api/v1/persons/${c.personId}`).expect(200)).body;
    expect(person.records).toHaveLength(2);
    const other = await createOrg(t, 'Other Dental');
    await t.http.get(`/api/v1/sync/conflicts/${c.id}`).set('Authorization', other.auth).expect(404);
    await t.http.post(`/api/v1/sync/conflicts/${c.id}/resolve`).set('Authorization', other.auth).send({ strategy: 'ignore' }).expect(404);
  });

  it('closes the conflict when the sources come to agree (the same number in another spelling), audited', async () => {
    const [c] = (await crossSource()).filter((x) => x.status === 'open');
    await odPhone('(503) 555-0122');
    await sync(od);
    const closed: Conflict = (await get(`/api/v1/sync/conflicts/${c.id}`).expect(200)).body;
    expect(closed).toMatchObject({ status: 'resolved', resolution: 'sources_agree' });
    const audit = (await get(`/api/v1/audit-events?action=conflict.resolved&targetId=${c.id}`).expect(200)).body.data;
    expect(audit[0]).toMatchObject({ actorType: 'system', details: { kind: 'cross_source', field: 'telecom', resolution: 'sources_agree' } });
    // No phone in the audit: only the fields named (a bare '555' could sit inside a UUID).
    expect(Object.keys(audit[0].details).sort()).toEqual(['field', 'kind', 'personId', 'resolution', 'resourceType']);
    expect(JSON.stringify(audit[0])).not.toMatch(/503\D{0,2}555\D?01(11|22)/);
    expect((await golden(c.personId!)).reason).toBe('sources_agree');
  });

  it('with a source_priority policy the queue picks the winner, and the golden record names it and says why', async () => {
    await t.http.put('/api/v1/conflict-policies').set('Authorization', org.auth)
      .send({ rules: [{ resourceType: 'patients', field: 'telecom', strategy: 'source_priority', sourcePriority: [nex, od] }] }).expect(200);
    await odPhone('(503) 555-0133');
    await sync(od);
    const [raised] = (await crossSource()).filter((x) => x.status !== 'resolved' || x.resolution !== 'sources_agree');
    const c = await decided(raised.id);
    expect(c).toMatchObject({ status: 'resolved', strategy: 'source_priority', resolution: 'use_remote', winningIntegrationId: nex });
    const telecom = await golden(c.personId!);
    expect(telecom).toMatchObject({ source: { integrationId: nex, vendor: 'nexhealth' }, reason: 'source_priority', conflictId: c.id });
    const audit = (await get(`/api/v1/audit-events?action=conflict.resolved&targetId=${c.id}`).expect(200)).body.data;
    expect(audit[0]).toMatchObject({ actorType: 'system', details: { strategy: 'source_priority', winningIntegrationId: nex } });
  });

  it('a person resolves one with use_remote naming the winning integration (400 naming integrationId without it)', async () => {
    await t.http.put('/api/v1/conflict-policies').set('Authorization', org.auth).send({ rules: [] }).expect(200);
    await odPhone('(503) 555-0144');
    await sync(od);
    const [raised] = (await crossSource()).filter((x) => x.status === 'open');
    const c = await decided(raised.id);
    expect(c.strategy).toBe('manual');
    const resolve = (body: object) => t.http.post(`/api/v1/sync/conflicts/${c.id}/resolve`).set('Authorization', org.auth).send(body);
    expect((await resolve({ strategy: 'use_remote' }).expect(400)).body.details[0].field).toBe('integrationId');
    expect((await resolve({ strategy: 'use_remote', integrationId: '00000000-0000-4000-8000-000000000000' }).expect(400)).body.details[0].field).toBe('integrationId');
    expect((await resolve({ strategy: 'use_local' }).expect(400)).body.details[0].field).toBe('strategy');
    const done = (await resolve({ strategy: 'use_remote', integrationId: od }).expect(200)).body;
    expect(done).toMatchObject({ status: 'resolved', strategy: 'manual', resolution: 'use_remote', winningIntegrationId: od });
    expect(await golden(c.personId!)).toMatchObject({ source: { integrationId: od }, reason: 'conflict_resolution', conflictId: c.id });
    // A re-sync with the same values raises nothing again.
    await sync(od);
    expect((await crossSource()).filter((x) => x.status === 'open')).toEqual([]);
  });

  it('a patient deleted at one source closes its open conflict (one source left)', async () => {
    await odPhone('(503) 555-0155');
    await sync(od);
    const [open] = (await crossSource()).filter((x) => x.status === 'open');
    expect(open.field).toBe('telecom');
    await mysql.query('UPDATE patient SET PatStatus = 4, DateTStamp = DateTStamp WHERE PatNum = 1');
    await sync(od);
    const closed: Conflict = (await get(`/api/v1/sync/conflicts/${open.id}`).expect(200)).body;
    expect(closed).toMatchObject({ status: 'resolved', resolution: 'sources_agree', reason: 'one source left' });
  });
});
