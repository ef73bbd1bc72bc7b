import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { OpenDentalApiSandbox, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../sandbox/opendental-api';
import { openSandboxConnection } from '../sandbox/opendental-db';
import { DemoClient, JobView } from './demo-client';
import { demoConflict } from './demo-conflict';

const out = (line = '') => process.stdout.write(`${line}\n`);

interface ActionView {
  id: string;
  status: string;
  result: Record<string, unknown> | null;
}

/** A weekday about a month ahead at 09:00 office time (UTC in the sandbox). */
function nextWeekdayAt(daysAhead: number, hour: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + daysAhead);
  while ([0, 6].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * The first weekday `daysAhead` or later whose `hour`:00 (UTC, the integration's office zone here)
 * leaves `minutes` free in operatory `op`: nothing on the schedule overlaps it (Scheduled, Complete,
 * ASAP, PtNote, PtNoteCompleted, as the sandbox counts them in slots.ts; an appointment lasts
 * 5 minutes per character of its `Pattern`). The sandbox office is
 * generated around today, so a fixed date may be booked already.
 */
async function freeStart(mysql: Awaited<ReturnType<typeof openSandboxConnection>>, op: number, daysAhead: number, hour: number, minutes = 40): Promise<string> {
  for (let day = daysAhead; day < daysAhead + 90; day++) {
    const start = nextWeekdayAt(day, hour);
    const local = start.replace('T', ' ').replace('Z', '');
    const [rows] = await mysql.query(
      `SELECT COUNT(*) AS n FROM appointment WHERE Op = ? AND AptStatus IN (1, 2, 4, 7, 8)
        AND AptDateTime < DATE_ADD(?, INTERVAL ? MINUTE) AND DATE_ADD(AptDateTime, INTERVAL CHAR_LENGTH(Pattern) * 5 MINUTE) > ?`,
      [op, local, minutes, local]);
    if (Number((rows as Array<{ n: number }>)[0].n) === 0) return start;
  }
  throw new Error(`no free ${minutes}-minute slot at ${hour}:00 in operatory ${op} within 90 days`);
}

/**
 * The OpenDental REST API part of the demo: an `opendental-api` integration on the simulated
 * API (the same sandbox office as the database path, served as an office's Local API), a full
 * sync, then an appointment booked, confirmed, rescheduled and cancelled, and a local edit that
 * meets a change in OpenDental and is written back, printed step by step.
 */
export async function demoOpenDentalApi(
  app: INestApplication, client: DemoClient, baseUrl: string, mysqlUrl: string, database: string,
  runSync: (integrationId: string, mode: 'full' | 'incremental') => Promise<JobView>,
  summary: (title: string, job: JobView) => void,
): Promise<void> {
  const customerKey = `demo-${randomUUID()}`;
  await app.get(OpenDentalApiSandbox).registerCustomer({ customerKey, database, mode: 'local', minIntervalMs: 0 });
  const integration = await client.call<{ id: string }>('post', '/api/v1/integrations', {
    vendor: 'opendental-api', name: 'Sandbox office (OpenDental API)', environment: 'sandbox',
    config: { baseUrl: `${baseUrl}${SANDBOX_API_PREFIX}`, apiMode: 'local', pageSize: 1000, timeZone: 'UTC' },
    credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey },
  });
  const test = await client.call<{ ok: boolean; latencyMs: number; message: string }>('post', `/api/v1/integrations/${integration.id}/test`);
  out(`\n7. OpenDental REST API integration ${integration.id}: test ${test.ok ? 'ok' : 'FAILED'} in ${test.latencyMs} ms`);
  const full = await runSync(integration.id, 'full');
  summary('Full sync through the OpenDental API', full);

  const mysql = await openSandboxConnection(mysqlUrl, database);
  const [patients] = await mysql.query("SELECT PatNum FROM patient WHERE PatStatus = 0 AND Birthdate > '0001-01-01' ORDER BY PatNum LIMIT 1");
  const [ops] = await mysql.query('SELECT OperatoryNum, OpName FROM operatory WHERE IsHidden = 0 ORDER BY OperatoryNum LIMIT 1');
  const patNum = String((patients as Array<{ PatNum: number }>)[0].PatNum);
  const op = (ops as Array<{ OperatoryNum: number; OpName: string }>)[0];
  const start = await freeStart(mysql, op.OperatoryNum, 30, 9);
  const newStart = await freeStart(mysql, op.OperatoryNum, 31, 10, 60);
  await mysql.end();
  const act = (type: string, payload: object) =>
    client.call<ActionView>('post', `/api/v1/integrations/${integration.id}/actions`, { type, payload }, [201], { 'Idempotency-Key': randomUUID() });

  out('\n8. Write-back actions (each with its own Idempotency-Key):');
  const booked = await act('create_appointment', { patientExternalId: patNum, locationExternalId: String(op.OperatoryNum), start, durationMinutes: 40, note: 'Demo cleaning' });
  const aptNum = String(booked.result?.appointmentExternalId);
  out(`   booked       AptNum ${aptNum} for PatNum ${patNum} in ${op.OpName} at ${start} (40 min)`);
  await act('confirm_appointment', { appointmentExternalId: aptNum, confirmation: 'confirmed' });
  out(`   confirmed    AptNum ${aptNum}`);
  const moved = await act('reschedule_appointment', { appointmentExternalId: aptNum, start: newStart });
  const newAptNum = String(moved.result?.appointmentExternalId);
  out(`   rescheduled  AptNum ${aptNum} broken, new AptNum ${newAptNum} at ${newStart}`);
  const cancelled = await act('cancel_appointment', { appointmentExternalId: newAptNum, reason: 'cancelled' });
  out(`   cancelled    AptNum ${newAptNum} (${String(cancelled.result?.sourceStatus ?? cancelled.status)})`);
  const stored = await client.call<{ data: Array<{ data: { status: string } }> }>('get', `/api/v1/appointments?externalId=${newAptNum}&integrationId=${integration.id}`);
  out(`   our store now shows AptNum ${newAptNum} as ${stored.data[0]?.data.status ?? 'missing'}`);

  await demoConflict(client, integration.id, patNum, mysqlUrl, database, runSync);
}
