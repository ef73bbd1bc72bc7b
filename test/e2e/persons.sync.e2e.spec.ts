import { Connection } from 'mysql2/promise';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthSandbox } from '../../src/sandbox/nexhealth';
import { bootApp, createOrg, TestApp, waitForJob } from '../helpers/app';
import { buildSandbox, integrationBody, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_persons');

interface PersonDetail {
  id: string;
  records: Array<{ recordId: string; vendor: string; externalId: string; method: string }>;
  fields: Record<string, { value: unknown; source: { vendor: string }; reason: string }>;
}

/**
 * Persons over real syncs of two sandboxes of one organization: the OpenDental database sandbox
 * (MariaDB) and the NexHealth sandbox served by the app, with the people under test written into
 * each through the sandbox's own store and admin API.
 */
describe('persons across the OpenDental and NexHealth sandboxes', () => {
  let t: TestApp;
  let org: { auth: string };
  let mysql: Connection;
  let od: string;
  let nex: string;
  const post = (path: string, body?: object) => t.http.post(path).set('Authorization', org.auth).send(body);
  const sync = async (integrationId: string) => {
    const created = await post('/api/v1/sync/jobs', { integrationId, mode: 'full' }).expect(202);
    expect((await waitForJob(t, org.auth, created.body.id)).status).toBe('succeeded');
  };
  const personOf = async (family: string, first: string, vendor: string): Promise<PersonDetail> => {
    const list = (await t.http.get(`/api/v1/persons?q=${family}`).set('Authorization', org.auth).expect(200)).body.data as Array<{ id: string }>;
    for (const p of list) {
      const detail = (await t.http.get(`/api/v1/persons/${p.id}`).set('Authorization', org.auth).expect(200)).body as PersonDetail;
      const rows = await t.http.get(`/api/v1/patients?q=${first}`).set('Authorization', org.auth).expect(200);
      const ids = new Set(rows.body.data.filter((r: { data: { names: Array<{ family: string }> } }) => r.data.names[0]?.family === family).map((r: { id: string }) => r.id));
      if (detail.records.some((r) => r.vendor === vendor && ids.has(r.recordId))) return detail;
    }
    throw new Error(`no person for ${first} ${family} from ${vendor}`);
  };

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 20, 31);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    // William Smithfield, and the twins Ethan and Noah Millerton (one birth date, address and phone).
    // DateTStamp kept: a row stamped in the second the first sync starts would be left to the next pass.
    await mysql.query(`UPDATE patient SET FName = 'William', LName = 'Smithfield', Preferred = '', Birthdate = '1970-05-06', Gender = 0,
      HmPhone = '(503) 555-0199', WirelessPhone = '', WkPhone = '', Address = '4 Alder St', Zip = '97205', DateTStamp = DateTStamp WHERE PatNum = 1`);
    await mysql.query(`UPDATE patient SET LName = 'Millerton', Preferred = '', Birthdate = '2010-03-04', Gender = 0, HmPhone = '(503) 555-0142',
      WirelessPhone = '', WkPhone = '', Address = '12 Elm St', Zip = '97202', FName = CASE PatNum WHEN 2 THEN 'Ethan' ELSE 'Noah' END,
      DateTStamp = DateTStamp WHERE PatNum IN (2, 3)`);
    t = await bootApp();
    const nexSandbox = t.app.get(NexHealthSandbox);
    nexSandbox.reset({ seed: 5, patients: 0 });
    const admin = `${NEXHEALTH_SANDBOX_PREFIX}/_admin/patients`;
    await t.http.post(admin).set('Authorization', NEXHEALTH_SANDBOX_API_KEY).send({ first_name: 'Bill', last_name: 'Smithfield', bio: { date_of_birth: '1970-05-06', phone_number: '503.555.0199', gender: 'Male' } }).expect(201);
    await t.http.post(admin).set('Authorization', NEXHEALTH_SANDBOX_API_KEY).send({ first_name: 'Noah', last_name: 'Millerton', bio: { date_of_birth: '2010-03-04', phone_number: '5035550142', address_line_1: '12 Elm St', zip_code: '97202', gender: 'Male' } }).expect(201);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    org = await createOrg(t);
    od = (await post('/api/v1/integrations', { ...integrationBody(sandbox), name: 'front desk' }).expect(201)).body.id;
    nex = (await post('/api/v1/integrations', {
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

  it("links OpenDental's William to NexHealth's Bill (same birth date and phone)", async () => {
    const person = await personOf('Smithfield', 'Bill', 'nexhealth');
    expect(person.records.map((r) => r.vendor).sort()).toEqual(['nexhealth', 'opendental-db']);
    expect(person.records.find((r) => r.vendor === 'opendental-db')?.externalId).toBe('1');
    expect(person.fields.birthDate).toMatchObject({ value: '1970-05-06', reason: 'sources_agree' });
    // No identifier and no equal name: the matcher linked them, on nickname, birth date and phone.
    const explain = (await t.http.get(`/api/v1/persons/${person.id}/explain`).set('Authorization', org.auth).expect(200)).body;
    const later = explain.records.find((r: { recordId: string }) => r.recordId !== explain.anchorRecordId);
    expect(later).toMatchObject({ method: 'auto', explanation: { method: 'score' }, fieldsNow: { firstName: { level: 'nickname' }, birthDate: { level: 'exact' }, phone: { level: 'agree' } } });
  });

  it("links NexHealth's Noah to OpenDental's Noah, never to his twin Ethan", async () => {
    const noah = await personOf('Millerton', 'Noah', 'nexhealth');
    expect(noah.records.map((r) => [r.vendor, r.externalId]).sort()).toEqual([['nexhealth', expect.any(String)], ['opendental-db', '3']]);
    const ethan = await personOf('Millerton', 'Ethan', 'opendental-db');
    expect(ethan.records.map((r) => r.externalId)).toEqual(['2']);
  });

  it('a re-sync of both sources keeps the persons as they are', async () => {
    const before = (await personOf('Smithfield', 'Bill', 'nexhealth')).id;
    await sync(od);
    await sync(nex);
    expect((await personOf('Smithfield', 'Bill', 'nexhealth')).id).toBe(before);
  });
});
