import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { Patient } from '../../src/canonical';
import { normalizeSearchText } from '../../src/common/search-text';
import { PG_POOL } from '../../src/database/database.module';
import { withTransaction } from '../../src/database/transaction';
import { AuditService } from '../../src/modules/audit/audit.service';
import { RecordWriter } from '../../src/modules/records/record-writer';
import { buildIntegration } from '../factories/integration.factory';
import { patientData } from '../factories/record.factory';
import { bootApp, createOrg, TestApp } from '../helpers/app';

type Person = { first: string; family: string; birthDate: string; phone?: string; line?: string; postal?: string };

function patient(p: Person): Patient {
  return patientData({
    names: [{ use: 'official', family: p.family, given: [p.first], prefix: [], suffix: [], text: `${p.first} ${p.family}` }],
    displayName: `${p.first} ${p.family}`, birthDate: p.birthDate, gender: 'male',
    telecom: p.phone ? [{ system: 'phone', value: p.phone, use: 'home', rank: 1 }] : [],
    addresses: [{ use: 'home', line: [p.line ?? '1 Main St'], city: 'Portland', state: 'OR', postalCode: p.postal ?? '97201', country: 'US' }],
  });
}

/**
 * Persons through the sync's write path: batches written by the record writer in one transaction
 * each, as the sync runner commits them (two integrations of different vendors of one organization).
 */
describe('persons: one person across sources', () => {
  let t: TestApp;
  let org: { id: string; auth: string };
  let pool: Pool;
  let odId: string;
  let nexId: string;

  const write = (integrationId: string, records: Array<[string, Person]>) => withTransaction(pool, async (client) => {
    const writer = t.app.get(RecordWriter);
    const prepared = writer.prepare(records.map(([externalId, p]) => {
      const data = patient(p);
      return { externalId, data, raw: { id: externalId }, index: { searchText: normalizeSearchText(p.first, p.family), birthDate: p.birthDate } };
    }));
    await writer.write(client, { organizationId: org.id, integrationId, resource: 'patients' }, prepared, []);
  });
  const personOf = async (integrationId: string, externalId: string): Promise<string> => {
    const { rows } = await pool.query(
      `SELECT pl.person_id FROM person_links pl JOIN records r ON r.id = pl.record_id WHERE r.integration_id = $1 AND r.external_id = $2`,
      [integrationId, externalId],
    );
    expect(rows).toHaveLength(1);
    return rows[0].person_id;
  };
  const recordId = async (integrationId: string, externalId: string): Promise<string> =>
    (await pool.query(`SELECT id FROM records WHERE integration_id = $1 AND external_id = $2`, [integrationId, externalId])).rows[0].id;
  const get = (path: string, status = 200) => t.http.get(path).set('Authorization', org.auth).expect(status);
  const openPairs = async () => (await get('/api/v1/persons/review?limit=500')).body.data as Array<{ id: string; records: Array<{ recordId: string }> }>;
  const pairOf = async (a: string, b: string) => (await openPairs()).find((p) => p.records.some((r) => r.recordId === a) && p.records.some((r) => r.recordId === b));

  beforeAll(async () => {
    t = await bootApp();
    org = await createOrg(t);
    pool = t.app.get<Pool>(PG_POOL);
    const db = t.app.get(DataSource);
    odId = await buildIntegration(db, org.id, 'opendental-db', 'front desk');
    nexId = await buildIntegration(db, org.id, 'nexhealth', 'online booking');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('links Bill and William Smith with the same birth date and phone; the golden record says where each field came from', async () => {
    await write(odId, [['od-1', { first: 'William', family: 'Smith', birthDate: '1970-05-06', phone: '503.555.0101' }]]);
    await write(nexId, [['nx-1', { first: 'Bill', family: 'Smith', birthDate: '1970-05-06', phone: '(503) 555-0101', line: '9 Oak Ave' }]]);
    const person = await personOf(odId, 'od-1');
    expect(await personOf(nexId, 'nx-1')).toBe(person);

    const detail = (await get(`/api/v1/persons/${person}`)).body;
    expect(detail.records.map((r: { vendor: string }) => r.vendor).sort()).toEqual(['nexhealth', 'opendental-db']);
    expect(detail.fields.birthDate).toMatchObject({ value: '1970-05-06', reason: 'sources_agree' });
    // The NexHealth record was written last: it wins the names and the address, and the other value is shown.
    expect(detail.fields.names).toMatchObject({ source: { vendor: 'nexhealth' }, reason: 'most_recently_updated' });
    expect(detail.fields.addresses.alternatives[0]).toMatchObject({ source: { vendor: 'opendental-db' } });

    // With the conflict policy's source priority the office's record wins the names, and says so.
    await t.http.put('/api/v1/conflict-policies').set('Authorization', org.auth)
      .send({ rules: [{ resourceType: 'patients', field: 'names', strategy: 'source_priority', sourcePriority: [odId, nexId] }] }).expect(200);
    const prioritised = (await get(`/api/v1/persons/${person}`)).body;
    expect(prioritised.fields.names).toMatchObject({ source: { vendor: 'opendental-db' }, reason: 'source_priority', alternatives: [{ source: { vendor: 'nexhealth' } }] });
    expect(prioritised.fields.addresses).toMatchObject({ source: { vendor: 'nexhealth' }, reason: 'most_recently_updated' });

    const explain = (await get(`/api/v1/persons/${person}/explain`)).body;
    const linked = explain.records.find((r: { externalId: string }) => r.externalId === 'nx-1');
    expect(linked).toMatchObject({ method: 'auto', fieldsNow: { firstName: { level: 'nickname' }, phone: { level: 'agree' } } });
    expect(linked.score).toBeGreaterThanOrEqual(explain.thresholds.autoLink);

    const list = (await get('/api/v1/persons?q=smith')).body.data;
    expect(list.map((p: { id: string }) => p.id)).toEqual([person]);
    await t.app.get(AuditService).flush();
    const { rows } = await pool.query(`SELECT 1 FROM audit_events WHERE organization_id = $1 AND action = 'patient_data.read' AND target_id = $2`, [org.id, person]);
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it('does not link twins with the same birth date and address but other first names: the pair waits for review', async () => {
    const home = { family: 'Miller', birthDate: '2010-03-04', phone: '5035550142', line: '12 Elm St', postal: '97202' };
    await write(odId, [['od-2', { first: 'Ethan', ...home }]]);
    await write(nexId, [['nx-2', { first: 'Noah', ...home }]]);
    expect(await personOf(nexId, 'nx-2')).not.toBe(await personOf(odId, 'od-2'));
    expect(await pairOf(await recordId(odId, 'od-2'), await recordId(nexId, 'nx-2'))).toBeDefined();
  });

  it('a manual non_match survives the next sync, even when the records then agree', async () => {
    await write(odId, [['od-3', { first: 'Katherine', family: 'Jones', birthDate: '1984-11-20', postal: '97210', line: '3 Pine St' }]]);
    await write(nexId, [['nx-3', { first: 'Katharyn', family: 'Jonas', birthDate: '1984-11-02', postal: '97210', line: '77 Fir Rd' }]]);
    const [a, b] = [await recordId(odId, 'od-3'), await recordId(nexId, 'nx-3')];
    const pair = await pairOf(a, b);
    expect(pair).toBeDefined();
    const decided = await t.http.post(`/api/v1/persons/review/${pair!.id}`).set('Authorization', org.auth).send({ decision: 'non_match' }).expect(200);
    expect(decided.body.status).toBe('non_match');
    // The next sync brings a record that alone would auto-link: same name, birth date, address and phone.
    await write(odId, [['od-3', { first: 'Katherine', family: 'Jones', birthDate: '1984-11-20', postal: '97210', line: '3 Pine St', phone: '5035550177' }]]);
    await write(nexId, [['nx-3', { first: 'Katherine', family: 'Jones', birthDate: '1984-11-20', postal: '97210', line: '3 Pine St', phone: '5035550177' }]]);
    expect(await personOf(nexId, 'nx-3')).not.toBe(await personOf(odId, 'od-3'));
    expect(await pairOf(a, b)).toBeUndefined();
  });

  it('split moves a record to a person of its own, and the next sync keeps it there', async () => {
    const person = await personOf(odId, 'od-1');
    const bill = await recordId(nexId, 'nx-1');
    const split = await t.http.post(`/api/v1/persons/${person}/split`).set('Authorization', org.auth).send({ patientId: bill }).expect(200);
    expect(split.body.personId).not.toBe(person);
    await write(nexId, [['nx-1', { first: 'Bill', family: 'Smith', birthDate: '1970-05-06', phone: '503-555-0101' }]]);
    expect(await personOf(nexId, 'nx-1')).toBe(split.body.personId);
    expect(await personOf(odId, 'od-1')).toBe(person);
    await t.http.post(`/api/v1/persons/${person}/split`).set('Authorization', org.auth).send({ patientId: bill }).expect(400)
      .expect((res) => expect(JSON.stringify(res.body)).toContain('patientId'));
  });

  it("answers 404 to another organization's key on every id-bearing route, and 400 naming the field for bad input", async () => {
    const other = await createOrg(t, 'Other Dental');
    const person = await personOf(odId, 'od-2');
    const pair = (await openPairs())[0];
    const as = (req: ReturnType<TestApp['http']['get']>) => req.set('Authorization', other.auth);
    await as(t.http.get(`/api/v1/persons/${person}`)).expect(404);
    await as(t.http.get(`/api/v1/persons/${person}/explain`)).expect(404);
    await as(t.http.post(`/api/v1/persons/review/${pair.id}`)).send({ decision: 'match' }).expect(404);
    await as(t.http.post(`/api/v1/persons/${person}/split`)).send({ patientId: await recordId(odId, 'od-2') }).expect(404);
    expect((await as(t.http.get('/api/v1/persons/review'))).body.data).toEqual([]);
    const bad = await t.http.post(`/api/v1/persons/review/${pair.id}`).set('Authorization', org.auth).send({ decision: 'maybe' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('decision');
    const badSplit = await t.http.post(`/api/v1/persons/${person}/split`).set('Authorization', org.auth).send({ patientId: 'x' }).expect(400);
    expect(JSON.stringify(badSplit.body)).toContain('patientId');
    await get('/api/v1/persons?cursor=nope', 400);
  });

  it('a review match of two disagreeing sources raises a cross_source conflict; a split closes it (one source left)', async () => {
    // No policy: the queue leaves the conflict open for a person (the first test's names priority would decide it).
    await t.http.put('/api/v1/conflict-policies').set('Authorization', org.auth).send({ rules: [] }).expect(200);
    const [ethan, noah] = [await recordId(odId, 'od-2'), await recordId(nexId, 'nx-2')];
    const pair = await pairOf(ethan, noah);
    await t.http.post(`/api/v1/persons/review/${pair!.id}`).set('Authorization', org.auth).send({ decision: 'match' }).expect(200);
    const person = await personOf(odId, 'od-2');
    const open = (await get(`/api/v1/sync/conflicts?status=open&resourceType=patients`)).body.data
      .filter((c: { kind: string; personId: string }) => c.kind === 'cross_source' && c.personId === person);
    // Same family name, birth date, phone and address: only the given names disagree.
    expect(open.map((c: { field: string }) => c.field)).toEqual(['names']);
    expect(open[0].sources.map((s: { recordId: string }) => s.recordId).sort()).toEqual([ethan, noah].sort());
    await t.http.post(`/api/v1/persons/${person}/split`).set('Authorization', org.auth).send({ patientId: noah }).expect(200);
    expect((await get(`/api/v1/sync/conflicts/${open[0].id}`)).body).toMatchObject({ status: 'resolved', resolution: 'sources_agree', reason: 'one source left' });
  });
});

