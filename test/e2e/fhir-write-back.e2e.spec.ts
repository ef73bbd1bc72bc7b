import { randomUUID } from 'node:crypto';
import { FHIR_SANDBOX_PREFIX, FhirSandbox } from '../../src/sandbox/fhir';
import { bootApp, createOrg, TestApp } from '../helpers/app';

/**
 * Oracle Health write-back through the public API (actions and appointment-slots routes): an
 * integration with a hub-generated key registered by JWKS URL at the sandbox, free slots, a
 * booking that lands in the store as booked, then a cancel by JSON Patch with If-Match.
 */
describe('Oracle Health: slots, booking and cancel through the actions API', () => {
  let t: TestApp;
  let org: { auth: string };
  let sandbox: FhirSandbox;
  let integrationId: string;
  const tenant = 'oh-writes';
  const post = (path: string, body: object, key = randomUUID()) => t.http.post(path).set('Authorization', org.auth).set('Idempotency-Key', key).send(body);

  beforeAll(async () => {
    t = await bootApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    sandbox = t.app.get(FhirSandbox);
    org = await createOrg(t, 'Oracle Writes Clinic');
    const res = await post('/api/v1/integrations', {
      vendor: 'oracle-health', name: 'Oracle Health (writes)', environment: 'sandbox',
      config: { fhirBaseUrl: `http://127.0.0.1:${port}${FHIR_SANDBOX_PREFIX}/oracle-health/${tenant}`, clientId: 'oh-writes' },
    }).expect(201);
    integrationId = res.body.id;
    sandbox.registerClient('oh-writes', { jwksUrl: `http://127.0.0.1:${port}/api/v1/integrations/${integrationId}/jwks.json` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('books a free slot and cancels it', async () => {
    let at = Date.now() + 8 * 86_400_000;
    while ([0, 6].includes(new Date(at).getUTCDay())) at += 86_400_000; // the sandbox's slots are on weekdays
    const day = new Date(at).toISOString().slice(0, 10);
    const slots = await t.http.get(`/api/v1/integrations/${integrationId}/appointment-slots?dateStart=${day}&dateEnd=${day}&lengthMinutes=30`).set('Authorization', org.auth).expect(200);
    const free = (slots.body as Array<{ days: Array<{ slots: Array<{ start: string }> }> }>).flatMap((p) => p.days.flatMap((d) => d.slots));
    const patient = [...sandbox.tenant('oracle-health', tenant).data.Patient.keys()][0];
    expect(free.length).toBe(28); // 14 half hours at each of the two rooms
    const start = free[0].start;
    const booked = await post(`/api/v1/integrations/${integrationId}/actions`, {
      type: 'create_appointment', payload: { patientExternalId: patient, locationExternalId: 'loc-2', start, durationMinutes: 30 },
    });
    expect(booked.status).toBe(201);
    const appointmentId = booked.body.result.externalId as string;
    expect(sandbox.tenant('oracle-health', tenant).data.Appointment.get(appointmentId)).toMatchObject({ status: 'booked', start });
    const cancelled = await post(`/api/v1/integrations/${integrationId}/actions`, { type: 'cancel_appointment', payload: { appointmentExternalId: appointmentId } });
    expect(cancelled.status).toBe(201);
    expect(cancelled.body.result).toMatchObject({ status: 'cancelled', changed: true });
    expect(sandbox.tenant('oracle-health', tenant).log.filter((e) => e.method === 'PATCH').map((e) => e.status)).toEqual([200]);
  });
});
