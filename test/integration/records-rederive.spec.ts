import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { CanonicalRecord, Patient, preferredPhone, validateCanonicalRecord } from '../../src/canonical';
import { Cipher, deriveKey } from '../../src/common/crypto';
import { withTransaction } from '../../src/database/transaction';
import { RecordRederiver } from '../../src/modules/records/record-rederiver';
import { RecordWriter } from '../../src/modules/records/record-writer';
import { RECORD_REDERIVERS } from '../../src/providers/record-rederivers';
import { ResourceType } from '../../src/providers/provider-adapter';

/**
 * Records stored in the old, OpenDental-shaped `data` (firstName, phone, phones[], foreignId…)
 * become the typed canonical shape from their `raw` rows alone, against the real Postgres.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const key = randomBytes(32);
const writer = new RecordWriter(deriveKey(key, 'record-content-hash'), new Cipher(deriveKey(key, 'record-sensitive')));
const rederiver = new RecordRederiver(writer, new Cipher(deriveKey(key, 'record-sensitive')), RECORD_REDERIVERS);

let organizationId: string;
const od = randomUUID();
const nex = randomUUID();

/** A record as the old mappers wrote it (their `data` shape, typed loosely on purpose). */
function old(externalId: string, data: Record<string, unknown>, raw: Record<string, unknown>, extra: Partial<CanonicalRecord> = {}): CanonicalRecord {
  return { externalId, data, raw, ...extra } as unknown as CanonicalRecord;
}

async function store(integrationId: string, resource: ResourceType, records: CanonicalRecord[]): Promise<void> {
  await withTransaction(pool, (client) => writer.write(client, { organizationId, integrationId, resource }, writer.prepare(records), []));
}

async function row(integrationId: string, resource: string, externalId: string) {
  const res = await pool.query(
    `SELECT id, data, version, link_keys, match_key, status, linked_patient_id, link_reason FROM records WHERE integration_id = $1 AND resource_type = $2 AND external_id = $3`,
    [integrationId, resource, externalId],
  );
  return res.rows[0];
}

const OD_PATIENT_RAW = {
  PatNum: 7, LName: 'Lee', FName: 'Ann', MiddleI: 'Q', Preferred: '', PatStatus: 3, Gender: 1, Position: 1, Birthdate: '1980-05-17',
  Address: '12 Main St', Address2: '', City: 'Austin', State: 'TX', Zip: '78701', HmPhone: '(512)555-0102', WkPhone: '', WirelessPhone: '(512)555-0101',
  Email: 'ann@example.com', ChartNumber: 'C7', MedicaidID: '', PriProv: 2, ClinicNum: 1, Guarantor: 7, DateTStamp: '2026-01-02 10:00:00',
  DateTimeDeceased: '0001-01-01 00:00:00', DateFirstVisit: '2019-03-04', Language: '',
};

beforeAll(async () => {
  organizationId = (await pool.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ('Rederive Dental') RETURNING id`)).rows[0].id;
  await pool.query(
    // The office's integration is the older one: it is re-derived first, so the NexHealth patient links to it.
    `INSERT INTO integrations (id, organization_id, vendor, name, environment, config, created_at) VALUES
       ($1, $3, 'opendental-db', 'office', 'sandbox', '{"timeZone": "America/Chicago"}', now() - interval '1 day'),
       ($2, $3, 'nexhealth', 'nex', 'sandbox', '{"locationId": 11}', now())`,
    [od, nex, organizationId],
  );
  await store(od, 'patients', [old('7', {
    firstName: 'Ann', middleInitial: 'Q', lastName: 'Lee', displayName: 'Ann Lee', birthDate: '1980-05-17', status: 'archived', sourceStatus: 'Archived',
    phone: '(512)555-0101', phones: [{ type: 'mobile', number: '(512)555-0101' }, { type: 'home', number: '(512)555-0102' }], email: 'ann@example.com',
    address: { line1: '12 Main St', line2: null, city: 'Austin', state: 'TX', postalCode: '78701', country: null }, ssnLast4: '6789', maritalStatus: 'Married',
  }, OD_PATIENT_RAW, { sensitive: { ssn: '123456789' }, sourceUpdatedAt: '2026-01-02 10:00:00', index: { birthDate: '1980-05-17', status: 'archived' } })]);
  await store(od, 'appointments', [old('70', { patientExternalId: '7', status: 'booked', start: '2026-01-15T15:30:00.000Z', pattern: '//XX//', note: 'x' }, {
    AptNum: 70, PatNum: 7, AptStatus: 1, AptDateTime: '2026-01-15 09:30:00', Pattern: '//XX//', ProvNum: 2, ProvHyg: 0, Op: 3, ClinicNum: 1,
    Note: 'Bring x-rays', confirmed: 'Appointment Confirmed', Priority: 0, IsNewPatient: 0, DateTimeArrived: '0001-01-01 00:00:00',
    DateTimeDismissed: '0001-01-01 00:00:00', DateTStamp: '2026-01-02 10:00:00',
  }, { patientExternalId: '7' })]);
  // The NexHealth patient mirrors PatNum 7; its old data carried the vendor-only foreignId. Its name differs, so only the identifier can link it.
  await store(nex, 'patients', [old('1007', { firstName: 'Annie', lastName: 'Lee', birthDate: '1980-05-17', foreignId: '7', foreignIdType: 'msg-opendental-DataSource-1' }, {
    id: 1007, first_name: 'Annie', last_name: 'Lee', name: 'Annie Lee', foreign_id: '7', foreign_id_type: 'msg-opendental-DataSource-1', inactive: false,
    bio: { date_of_birth: '1980-05-17', cell_phone_number: '5125550101', gender: 'Female' }, email: null, updated_at: '2026-01-02T10:00:00Z',
  })]);
});

afterAll(async () => {
  await pool.query('DELETE FROM organizations WHERE id = $1', [organizationId]);
  await pool.end();
});

describe('records:rederive', () => {
  it('rewrites old-shape records into the canonical shape from raw, links by the new identifiers, and is idempotent', async () => {
    const before = await row(od, 'patients', '7');
    expect(before.data).toHaveProperty('firstName');
    // A local edit (docs/conflicts.md) survives the rewrite of the source data.
    const edit = { comment: { value: 'Local note', base: 'x', baseAt: null, editedAt: '2026-01-03T10:00:00.000Z', editedBy: { actorType: 'api_key', actorId: 'k' } } };
    await pool.query("UPDATE records SET local_data = $2 WHERE integration_id = $1 AND resource_type = 'appointments' AND external_id = '70'", [od, JSON.stringify(edit)]);

    const counts = await rederiver.run(pool, { organizationId });
    expect(counts).toMatchObject({ integrations: 2, read: 3, rewritten: 3, kept: 0, linked: 1 });

    const patient = await row(od, 'patients', '7');
    const data = patient.data as Patient;
    expect(validateCanonicalRecord('patients', { externalId: '7', data })).toEqual([]);
    expect(data).not.toHaveProperty('firstName');
    expect(data.names[0]).toMatchObject({ use: 'official', given: ['Ann', 'Q'], family: 'Lee' });
    expect(data.status).toBe('inactive');
    expect(patient.status).toBe('inactive');
    expect(data.maritalStatus).toBe('M');
    expect(preferredPhone(data.telecom)).toBe('(512)555-0101');
    expect(data.ssnLast4).toBe('6789'); // kept: raw never holds the SSN
    expect(JSON.stringify(data)).not.toContain('123456789');
    expect(patient.version).toBe(before.version + 1);
    expect(patient.link_keys).toEqual(['urn:ehr-sync-hub:pms:opendental:patient|7']);
    expect(patient.match_key).toBe('ann|lee|1980-05-17');

    const appointment = await row(od, 'appointments', '70');
    expect(validateCanonicalRecord('appointments', { externalId: '70', data: appointment.data })).toEqual([]);
    expect(appointment.data).toMatchObject({ patient: { externalId: '7' }, comment: 'Bring x-rays', confirmation: 'confirmed', start: '2026-01-15T15:30:00.000Z' });
    expect((await pool.query('SELECT local_data FROM records WHERE id = $1', [appointment.id])).rows[0].local_data).toEqual(edit);

    const mirrored = await row(nex, 'patients', '1007');
    expect(validateCanonicalRecord('patients', { externalId: '1007', data: mirrored.data })).toEqual([]);
    expect(mirrored.data).not.toHaveProperty('foreignId');
    expect(mirrored.link_keys).toEqual(['urn:ehr-sync-hub:pms:opendental:patient|7']);
    expect(mirrored).toMatchObject({ linked_patient_id: patient.id, link_reason: 'external_id' });

    const again = await rederiver.run(pool, { organizationId });
    expect(again).toMatchObject({ read: 3, rewritten: 0, unchanged: 3, linked: 0 });
    expect((await row(od, 'patients', '7')).version).toBe(patient.version);
  });
});
