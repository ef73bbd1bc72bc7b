import type { Pool } from 'mysql2/promise';
import { OdApiError } from './api-error';
import { rows, serverNow } from './office-db.service';
import { optDate, optInt, Query } from './params';
import type { SandboxOfficeHours } from './sandbox-options';

/** One open block, as GET /appointments/Slots returns it (§1.5): whole blocks, not per-length slots. */
export interface SlotJson {
  DateTimeStart: string;
  DateTimeEnd: string;
  ProvNum: number;
  OpNum: number;
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
/** AptStatus values that hold a place on the schedule: Scheduled, Complete, ASAP, PtNote, PtNoteCompleted. */
const ON_SCHEDULE = [1, 2, 4, 7, 8];

/** Wall-time arithmetic: office-local strings are read as if UTC (no zone is ever applied). */
const ms = (local: string): number => Date.parse(`${local.replace(' ', 'T')}Z`);
const local = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
const hm = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/**
 * GET /appointments/Slots, simulated: open blocks of one provider in the operatories assigned
 * to them (ProvDentist or ProvHygienist; or only `OpNum`), within the sandbox office hours
 * (default Monday to Friday 07:00–17:00 office-local), minus every appointment on the schedule
 * in that operatory and every one of that provider (ProvNum or ProvHyg) in any operatory.
 * Parameters: `date` (a single day) or `dateStart`/`dateEnd` (inclusive; days before today
 * have no slots), at most 90 days; default the next 14 days. `lengthMinutes` drops shorter blocks. `ProvNum`
 * defaults to the practice default provider (the first active dentist). Today's blocks start
 * no earlier than the office clock, rounded up to 5 minutes.
 * @throws OdApiError 400 for malformed or reversed dates, an unknown provider or operatory.
 */
export async function findSlots(pool: Pool, q: Query, hours: SandboxOfficeHours): Promise<SlotJson[]> {
  const now = await serverNow(pool);
  const today = now.slice(0, 10);
  const date = optDate(q, 'date');
  const askedStart = date ?? optDate(q, 'dateStart') ?? today;
  const end = date ?? optDate(q, 'dateEnd') ?? local(ms(`${askedStart} 00:00:00`) + 13 * DAY).slice(0, 10);
  if (end < askedStart) throw OdApiError.badRequest('dateEnd cannot be before dateStart.');
  const start = askedStart < today ? today : askedStart; // only today or later has slots
  if (end < start) return [];
  if ((ms(`${end} 00:00:00`) - ms(`${start} 00:00:00`)) / DAY > 90) throw OdApiError.badRequest('The date range cannot exceed 90 days.');
  const lengthMinutes = Math.max(optInt(q, 'lengthMinutes') ?? 5, 5);

  let provNum = optInt(q, 'ProvNum');
  if (provNum === undefined) {
    const [prov] = await rows(pool, 'SELECT ProvNum FROM provider WHERE ProvStatus = 0 AND IsHidden = 0 AND IsSecondary = 0 ORDER BY ProvNum LIMIT 1');
    provNum = Number(prov?.ProvNum ?? 0);
  }
  const [provider] = await rows(pool, 'SELECT ProvNum FROM provider WHERE ProvNum = ? AND ProvStatus = 0', [provNum]);
  if (!provider) throw OdApiError.badRequest('ProvNum is invalid.');
  const opNum = optInt(q, 'OpNum');
  const ops = opNum !== undefined
    ? await rows(pool, 'SELECT OperatoryNum FROM operatory WHERE OperatoryNum = ? AND IsHidden = 0', [opNum])
    : await rows(pool, 'SELECT OperatoryNum FROM operatory WHERE IsHidden = 0 AND (ProvDentist = ? OR ProvHygienist = ?) ORDER BY OperatoryNum', [provNum, provNum]);
  if (opNum !== undefined && ops.length === 0) throw OdApiError.badRequest('OpNum is invalid.');

  const appts = await rows(pool,
    `SELECT Op, ProvNum, ProvHyg, DATE_FORMAT(AptDateTime, '%Y-%m-%d %H:%i:%s') AS at, Pattern FROM appointment
      WHERE AptStatus IN (${ON_SCHEDULE.join(',')}) AND AptDateTime >= ? AND AptDateTime < ?`,
    [`${local(ms(`${start} 00:00:00`) - DAY)}`, `${local(ms(`${end} 00:00:00`) + DAY)}`]);
  const busy = appts.map((a) => ({ op: Number(a.Op), prov: Number(a.ProvNum) === provNum || Number(a.ProvHyg) === provNum, from: ms(String(a.at)), to: ms(String(a.at)) + String(a.Pattern).length * 5 * MIN }));
  const nowMs = Math.ceil(ms(now) / (5 * MIN)) * 5 * MIN;

  const slots: SlotJson[] = [];
  for (let day = ms(`${start} 00:00:00`); day <= ms(`${end} 00:00:00`); day += DAY) {
    if (!hours.days.includes(new Date(day).getUTCDay())) continue;
    const open = Math.max(day + hm(hours.open) * MIN, nowMs);
    const close = day + hm(hours.close) * MIN;
    for (const op of ops.map((o) => Number(o.OperatoryNum))) {
      const blocking = busy.filter((b) => (b.op === op || b.prov) && b.to > open && b.from < close).sort((a, b) => a.from - b.from);
      let cursor = open;
      for (const b of [...blocking, { from: close, to: close }]) {
        if (b.from - cursor >= lengthMinutes * MIN) slots.push({ DateTimeStart: local(cursor), DateTimeEnd: local(b.from), ProvNum: provNum, OpNum: op });
        cursor = Math.max(cursor, b.to);
      }
    }
  }
  return slots.sort((a, b) => a.DateTimeStart.localeCompare(b.DateTimeStart) || a.OpNum - b.OpNum);
}
