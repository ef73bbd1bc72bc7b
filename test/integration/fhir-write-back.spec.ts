import IORedis from 'ioredis';
import { EPIC_PROFILE } from '../../src/providers/epic';
import { signClientAssertion } from '../../src/providers/fhir/client-assertion';
import { FhirProfileAdapter } from '../../src/providers/fhir/profile-adapter';
import { ORACLE_HEALTH_PROFILE } from '../../src/providers/oracle-health';
import { ProviderExceptionCode } from '../../src/providers/provider.exception';
import { AdapterContext } from '../../src/providers/provider-adapter';
import { FhirSandboxHost, keyPair, startFhirSandbox } from '../helpers/fhir';
import { dropKeys } from '../helpers/nexhealth';

const PREFIX = 'fhir-write-back-spec';

/**
 * Oracle Health write-back against the sandbox (FHIR-R4.md §5): create patient (read back),
 * slots from Slot search, booking a Slot (status booked, one accepted patient participant), a
 * taken slot refused, cancel and confirm by JSON Patch with If-Match (412 without, 409 stale), a
 * create whose answer is lost found by search instead of sent twice; Epic creates patients only.
 */
describe('FHIR write-back (oracle-health, epic)', () => {
  let host: FhirSandboxHost;
  let redis: IORedis;
  let oracle: FhirProfileAdapter;
  let epic: FhirProfileAdapter;
  const key = keyPair('RS384');
  const ctx = (vendor: string): AdapterContext => ({
    organizationId: 'org', integrationId: `int-${vendor}`, environment: 'sandbox', credentials: { privateKey: key.privatePem },
    config: { fhirBaseUrl: `${host.root}/${vendor}/wb`, clientId: 'wb-client', keyId: 'wb-key' },
  });
  const data = () => host.sandbox.tenant('oracle-health', 'wb').data;

  beforeAll(async () => {
    host = await startFhirSandbox({ patients: 5, seed: 51 });
    host.sandbox.registerClient('wb-client', { keys: [{ pem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), kid: 'wb-key' }] });
    redis = new IORedis(process.env.REDIS_URL!);
    await dropKeys(redis, PREFIX);
    const options = { tokenKeyPrefix: PREFIX, rateKeyPrefix: `${PREFIX}:rate`, retryBaseDelayMs: 20, retryMaxDelayMs: 100, requestTimeoutMs: 2000 };
    oracle = new FhirProfileAdapter(ORACLE_HEALTH_PROFILE, redis, { encryptionKey: Buffer.alloc(32, 5) }, options);
    epic = new FhirProfileAdapter(EPIC_PROFILE, redis, { encryptionKey: Buffer.alloc(32, 5) }, options);
  });
  afterAll(async () => {
    await host.close();
    await dropKeys(redis, PREFIX);
    await redis.quit();
  });

  it('the catalog shows which profiles write back', () => {
    expect(oracle.writeBack!.actions).toEqual(['create_patient', 'create_appointment', 'cancel_appointment', 'confirm_appointment']);
    expect(oracle.descriptor.description).toContain('Write-back: create_patient');
    expect(epic.writeBack!.actions).toEqual(['create_patient']);
  });

  it('creates a patient, read back and mapped; a lost answer is found by search, not created twice', async () => {
    const payload = { firstName: 'Ana', lastName: 'Núñez', birthDate: '1988-04-02', gender: 'female', phone: '(503) 555-0142' };
    const created = await oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'create_patient', payload });
    const id = String(created.result.externalId);
    expect(data().Patient.get(id)).toMatchObject({ birthDate: '1988-04-02', name: [{ family: 'Núñez', given: ['Ana'] }] });
    expect(created.records[0]).toMatchObject({ resource: 'patients', record: { externalId: id, data: { birthDate: '1988-04-02', gender: 'female' } } });

    host.sandbox.setFaults('oracle-health', 'wb', { loseWriteAnswers: 1 });
    const before = data().Patient.size;
    const again = await oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'create_patient', payload: { ...payload, firstName: 'Bea', lastName: 'Lost' } });
    expect(data().Patient.size).toBe(before + 1);
    expect(data().Patient.get(String(again.result.externalId))).toMatchObject({ name: [{ family: 'Lost' }] });
  });

  it('books a free slot, refuses a taken one, cancels with If-Match (the slot is free again) and confirms a proposed one', async () => {
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const slots = await oracle.writeBack!.findSlots(ctx('oracle-health'), { dateStart: day, dateEnd: new Date(Date.parse(day) + 3 * 86_400_000).toISOString().slice(0, 10), locationExternalId: 'loc-2' });
    expect(slots.length).toBeGreaterThan(10);
    const patient = [...data().Patient.keys()][0];
    const booking = { patientExternalId: patient, locationExternalId: 'loc-2', start: slots[0].start, durationMinutes: 30, note: 'cleaning' };
    const booked = await oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'create_appointment', payload: booking });
    const apptId = String(booked.result.externalId);
    expect(booked.records[0].record).toMatchObject({ externalId: apptId, data: { status: 'booked', start: slots[0].start }, patientExternalId: patient });
    expect(host.sandbox.tenant('oracle-health', 'wb').slots.get(String(booked.result.slotId))!.status).toBe('busy');
    await expect(oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'create_appointment', payload: booking }))
      .rejects.toMatchObject({ code: ProviderExceptionCode.CONFLICT, temporary: false });

    const cancelled = await oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'cancel_appointment', payload: { appointmentExternalId: apptId } });
    expect(cancelled).toMatchObject({ result: { status: 'cancelled', changed: true }, records: [{ record: { data: { status: 'cancelled' } } }] });
    expect(host.sandbox.tenant('oracle-health', 'wb').slots.get(String(booked.result.slotId))!.status).toBe('free');
    const patches = host.sandbox.tenant('oracle-health', 'wb').log.filter((e) => e.method === 'PATCH');
    expect(patches.map((e) => e.status)).toEqual([200]);

    data().Appointment.set('appt-proposed', { resourceType: 'Appointment', id: 'appt-proposed', meta: { versionId: '3' }, status: 'proposed', participant: [{ actor: { reference: `Patient/${patient}` }, status: 'needs-action' }] });
    const confirmed = await oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'confirm_appointment', payload: { appointmentExternalId: 'appt-proposed', confirmation: 'confirmed' } });
    expect(confirmed.result).toMatchObject({ status: 'booked', changed: true });
    await expect(oracle.writeBack!.performAction(ctx('oracle-health'), { type: 'confirm_appointment', payload: { appointmentExternalId: 'appt-proposed', confirmation: 'sent' } }))
      .rejects.toMatchObject({ code: ProviderExceptionCode.BAD_REQUEST });
  });

  it('the sandbox refuses a PATCH without If-Match (412) and with a stale version (409)', async () => {
    const token = ((await (await fetch(`${host.root}/oracle-health/wb/auth/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: signClientAssertion({ clientId: 'wb-client', keyId: 'wb-key', algorithm: 'RS384', privateKey: key.privatePem, tokenUrl: `${host.root}/oracle-health/wb/auth/token` }) }),
    })).json()) as { access_token: string }).access_token;
    const id = [...data().Appointment.values()].find((a) => a.status === 'booked')!.id!;
    const patch = (ifMatch?: string) => fetch(`${host.root}/oracle-health/wb/Appointment/${id}`, {
      method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json-patch+json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
      body: JSON.stringify([{ op: 'replace', path: '/status', value: 'cancelled' }]),
    });
    expect((await patch()).status).toBe(412);
    expect((await patch('W/"0"')).status).toBe(409);
  });

  it('epic creates patients only', async () => {
    const created = await epic.writeBack!.performAction(ctx('epic'), { type: 'create_patient', payload: { firstName: 'Eve', lastName: 'Epic', birthDate: '1970-01-31' } });
    expect(host.sandbox.tenant('epic', 'wb').data.Patient.has(String(created.result.externalId))).toBe(true);
    await expect(epic.writeBack!.performAction(ctx('epic'), { type: 'cancel_appointment', payload: { appointmentExternalId: 'x' } }))
      .rejects.toMatchObject({ code: ProviderExceptionCode.UNSUPPORTED });
  });
});
