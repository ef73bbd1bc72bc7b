import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { Connection } from 'mysql2/promise';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { loadEnv } from '../../src/config/env';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';
import { openSandboxConnection } from '../../src/sandbox/opendental-db';
import { buildSandbox, specDatabase } from '../helpers/sandbox';

const DB = specDatabase('od_spec_actions');
const CUSTOMER = `spec-actions-${process.pid}`;

/** A weekday at 08:00 UTC about two years ahead: no generated appointment is there. */
function freeStart(dayOffset: number, hour = 8): string {
  const d = new Date(Date.UTC(new Date().getUTCFullYear() + 2, 0, 6 + dayOffset, hour));
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().replace('.000Z', 'Z');
}

describe('write-back actions through the REST API (opendental-api against its sandbox)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let auth: string;
  let integrationId: string;
  let mysql: Connection;
  let patNum: string;
  let op: string;

  const act = (type: string, payload: object, key: string | null = randomUUID(), query = '') => {
    const req = http.post(`/api/v1/integrations/${integrationId}/actions${query}`).set('Authorization', auth);
    return (key ? req.set('Idempotency-Key', key) : req).send({ type, payload });
  };
  const apt = async (aptNum: string) => ((await mysql.query('SELECT AptStatus, AptDateTime, Op, Confirmed FROM appointment WHERE AptNum = ?', [aptNum]))[0] as Array<Record<string, unknown>>)[0];

  beforeAll(async () => {
    const sandbox = await buildSandbox(DB, 60, 9);
    mysql = await openSandboxConnection(sandbox.mysqlUrl, DB);
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    await app.get(OpenDentalApiSandbox).registerCustomer({ customerKey: CUSTOMER, database: DB, mode: 'local', minIntervalMs: 0 });
    http = request(app.getHttpServer());
    const org = await http.post('/api/v1/organizations').set('Authorization', `Bearer ${loadEnv().adminApiKey}`).send({ name: 'Actions Dental' }).expect(201);
    auth = `Bearer ${org.body.apiKey.key}`;
    integrationId = (await http.post('/api/v1/integrations').set('Authorization', auth).send({
      vendor: 'opendental-api', name: 'Cloud office', environment: 'sandbox',
      config: { baseUrl: `http://127.0.0.1:${port}${SANDBOX_API_PREFIX}`, apiMode: 'local', timeZone: 'UTC' },
      credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey: CUSTOMER },
    }).expect(201)).body.id;
    const [rows] = await mysql.query("SELECT PatNum FROM patient WHERE PatStatus = 0 AND Birthdate > '0001-01-01' ORDER BY PatNum LIMIT 1");
    patNum = String((rows as Array<{ PatNum: number }>)[0].PatNum);
    const [ops] = await mysql.query('SELECT OperatoryNum FROM operatory WHERE IsHidden = 0 ORDER BY OperatoryNum LIMIT 1');
    op = String((ops as Array<{ OperatoryNum: number }>)[0].OperatoryNum);
  });

  afterAll(async () => {
    await mysql?.end();
    await app?.close();
  });

  it('refuses a missing Idempotency-Key, an unknown type, a missing PatNum and a booking in the past with 400 naming the field', async () => {
    const noKey = await act('create_appointment', { patientExternalId: patNum, locationExternalId: op, start: freeStart(0), durationMinutes: 30 }, null).expect(400);
    expect(noKey.body.message).toContain('Idempotency-Key');
    const unknown = await act('teleport_patient', {}).expect(400);
    expect(unknown.body.message).toContain('type');
    const missing = await act('create_appointment', { locationExternalId: op, start: freeStart(0), durationMinutes: 30 }).expect(400);
    expect(missing.body.details.map((d: { field: string }) => d.field)).toContain('payload.patientExternalId');
    const past = await act('create_appointment', { patientExternalId: patNum, locationExternalId: op, start: '2020-01-06T08:00:00Z', durationMinutes: 30 }).expect(400);
    expect(past.body.message).toContain('payload.start must be in the future');
    const extra = await act('confirm_appointment', { appointmentExternalId: '1', confirmation: 'confirmed', hack: 1 }).expect(400);
    expect(extra.body.details.map((d: { field: string }) => d.field)).toContain('payload.hack');
  });

  it('the same Idempotency-Key sent 5 times concurrently books one appointment; another body with that key is 409', async () => {
    const key = randomUUID();
    const payload = { patientExternalId: patNum, locationExternalId: op, start: freeStart(1), durationMinutes: 40, note: 'Cleaning' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => act('create_appointment', payload, key)));
    for (const a of answers) expect(a.status).toBe(201);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    const aptNum = answers[0].body.result.appointmentExternalId;
    const [booked] = await mysql.query('SELECT count(*) n FROM appointment WHERE PatNum = ? AND Op = ? AND AptDateTime = ?', [patNum, op, payload.start.replace('T', ' ').replace('Z', '')]);
    expect(Number((booked as Array<{ n: number }>)[0].n)).toBe(1);
    const stored = await http.get(`/api/v1/appointments?externalId=${aptNum}`).set('Authorization', auth).expect(200);
    expect(stored.body.data[0].data.status).toBe('booked');
    expect(stored.body.data[0].data.start).toBe(new Date(payload.start).toISOString());
    const reused = await act('create_appointment', { ...payload, durationMinutes: 50 }, key).expect(409);
    expect(reused.body.error).toBe('ACTION_IDEMPOTENCY_KEY_REUSED');
  });

  it('books, confirms, reschedules and cancels, keeping our store in step with OpenDental', async () => {
    const booked = await act('create_appointment', { patientExternalId: patNum, locationExternalId: op, start: freeStart(2), durationMinutes: 30 }).expect(201);
    const aptNum = booked.body.result.appointmentExternalId;
    // Another patient in the same chair at the same time: the operatory is taken.
    const [others] = await mysql.query("SELECT PatNum FROM patient WHERE PatStatus = 0 AND PatNum <> ? ORDER BY PatNum LIMIT 1", [patNum]);
    const otherPatNum = String((others as Array<{ PatNum: number }>)[0].PatNum);
    const taken = await act('create_appointment', { patientExternalId: otherPatNum, locationExternalId: op, start: freeStart(2, 8), durationMinutes: 30 }).expect(409);
    expect(taken.body.error).toBe('PROVIDER_CONFLICT');
    expect(taken.body.message).toContain('taken');

    await act('confirm_appointment', { appointmentExternalId: aptNum, confirmation: 'confirmed' }).expect(201);
    const confirmed = (await http.get(`/api/v1/appointments?externalId=${aptNum}`).set('Authorization', auth).expect(200)).body.data[0];
    expect(confirmed.data).toMatchObject({ confirmation: 'confirmed', sourceConfirmation: 'Appointment Confirmed' });

    const moved = await act('reschedule_appointment', { appointmentExternalId: aptNum, start: freeStart(3) }).expect(201);
    const newAptNum = moved.body.result.appointmentExternalId;
    expect(newAptNum).not.toBe(aptNum);
    expect((await apt(aptNum)).AptStatus).not.toBe(1);
    expect((await apt(newAptNum)).AptStatus).toBe(1);

    const queued = await act('cancel_appointment', { appointmentExternalId: newAptNum, reason: 'cancelled' }, randomUUID(), '?async=true').expect(202);
    let action = queued.body;
    for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(action.status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      action = (await http.get(`/api/v1/actions/${queued.body.id}`).set('Authorization', auth).expect(200)).body;
    }
    expect(action.status).toBe('succeeded');
    expect((await apt(newAptNum)).AptStatus).not.toBe(1);
    const cancelled = (await http.get(`/api/v1/appointments?externalId=${newAptNum}`).set('Authorization', auth).expect(200)).body.data[0];
    expect(['cancelled', 'waitlist']).toContain(cancelled.data.status);

    const audit = await http.get(`/api/v1/audit-events?targetId=${queued.body.id}`).set('Authorization', auth).expect(200);
    expect(audit.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['action.requested', 'action.succeeded']);
  });

  it('lists open appointment slots grouped by provider and office day', async () => {
    const day = freeStart(10).slice(0, 10);
    const res = await http.get(`/api/v1/integrations/${integrationId}/appointment-slots?dateStart=${day}&dateEnd=${day}&lengthMinutes=30`).set('Authorization', auth).expect(200);
    const days = res.body.flatMap((p: { days: Array<{ date: string; slots: unknown[] }> }) => p.days);
    expect(days.length).toBeGreaterThan(0);
    for (const d of days) expect(d.date).toBe(day);
    await http.get(`/api/v1/integrations/${integrationId}/appointment-slots?dateStart=${day}&dateEnd=2000-01-01`).set('Authorization', auth).expect(400);
  });

  it("another organization's key cannot act on this integration or read its actions", async () => {
    const other = await http.post('/api/v1/organizations').set('Authorization', `Bearer ${loadEnv().adminApiKey}`).send({ name: 'Other' }).expect(201);
    const res = await http.post(`/api/v1/integrations/${integrationId}/actions`).set('Authorization', `Bearer ${other.body.apiKey.key}`)
      .set('Idempotency-Key', randomUUID()).send({ type: 'add_appointment_note', payload: { appointmentExternalId: '1', note: 'x' } });
    expect(res.status).toBe(404);
  });
});
