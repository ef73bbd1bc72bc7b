import { DAY, FUTURE_DAYS, HISTORY_DAYS, HOUR, MINUTE, type OfficeClock } from './office-time';
import { APPT_NOTES, APPT_TEMPLATES } from './pools';
import { Prng, hashString } from './prng';
import { slot, type PatientSkeleton } from './patients';
import { DEF_CAT, type ReferenceData } from './reference-data';
import { toDateTime, type Row } from './row-format';

/**
 * Appointments, and the traces of deleted ones (histappointment HistApptAction Deleted=4
 * and deletedobject ObjectType Appointment=0), as OpenDental records them. AptStatus:
 * Scheduled 1, Complete 2, UnschedList 3, Broken 5, Planned 6, PtNote 7 (schema enum
 * ApptStatus). Pattern: one character per 5 minutes (README §1.6).
 *
 * Each appointment k has its own Prng stream, so deleted ones can be regenerated for the
 * history tables without replaying the whole appointment table.
 */

const APT_STREAM = hashString('appointment');
const TEMPLATE_WEIGHTS = APPT_TEMPLATES.map((t) => t.weight);
const TEMPLATE_INDEXES = APPT_TEMPLATES.map((_, i) => i);
const PT_NOTES = ['Pt called about balance, will call back.', 'Wants Tuesday afternoons only.\r\nSpouse: same day if possible.', "Pt's mom asked to move to summer break"];

/** True when appointment index k was deleted by the office (about 1 in 60). */
export const isDeletedAppointment = (k: number): boolean => slot(k, 5, 60) === 0;

/** Generated appointment plus the instants the history tables need. */
export interface GeneratedAppointment {
  row: Row;
  entryMs: number;
  stampMs: number;
}

/** Builds appointment index k (AptNum k+1) for a skeleton of patients. */
export function makeAppointment(seed: number, k: number, sk: PatientSkeleton, ref: ReferenceData, clock: OfficeClock): GeneratedAppointment {
  const rng = new Prng(seed, APT_STREAM, k);
  // Three appointments in every 50 share one DateTStamp: a batch eConfirmation run sent in
  // the last month for future visits (OpenDental stamps per second, so this is common).
  const batch = k % 50 < 3;
  let p = rng.int(0, sk.count - 1);
  for (let tries = 0; batch && sk.status[p] !== 0 && tries < 50; tries++) p = rng.int(0, sk.count - 1);
  const f = sk.familyOf[p];
  const status = sk.status[p];
  const future = status === 6 || (status === 0 && (batch || rng.chance(0.22)));
  const dayOffset = future ? rng.int(1, FUTURE_DAYS) : -rng.int(1, HISTORY_DAYS);
  const startMs = clock.appointmentStart(rng, dayOffset);
  const tpl = APPT_TEMPLATES[rng.weighted(TEMPLATE_INDEXES, TEMPLATE_WEIGHTS)];
  let aptStatus = batch ? 1 : future
    ? rng.weighted([1, 3, 6, 7], [90, 4, 4, 2])
    : rng.weighted([2, 5, 1, 3, 6, 7], [78, 8, 3, 6, 4, 1]);
  if (status === 6 && aptStatus !== 1) aptStatus = 1; // prospective patients only hold a first visit
  const clinic = sk.clinicOf[p];
  const ops = ref.opsByClinic.get(clinic) ?? { general: [1], hygiene: [1], hidden: [] };
  // Old appointments may sit in an operatory hidden since (remodel); new ones never do.
  const op = ops.hidden.length > 0 && dayOffset < -365 && rng.chance(0.1) ? rng.pick(ops.hidden) : rng.pick(tpl.hyg ? ops.hygiene : ops.general);
  const confirmed = ref.defs.get(DEF_CAT.ApptConfirmed) ?? new Map<string, number>();
  const confirmName = batch && future ? 'eConfirm Sent'
    : aptStatus === 2 ? rng.weighted(['Dismissed', 'Appointment Confirmed', 'Arrived'], [70, 25, 5])
    : future ? rng.weighted(['Not Called', 'Unconfirmed', 'Appointment Confirmed', 'Left Message', 'Texted', 'E-mailed', 'eConfirm Sent'], [25, 15, 30, 10, 10, 5, 5])
    : rng.weighted(['Not Called', 'Unconfirmed', 'Left Message'], [50, 30, 20]);
  const minutes = tpl.pattern.length * 5;
  let entryMs = startMs - rng.int(1, 120) * DAY - rng.int(0, 8 * 60) * MINUTE;
  // Booked far enough ahead that the booking would be "today": move it into the stamp window.
  if (entryMs > clock.lastStampMs - HOUR) entryMs = clock.stamp(rng, clock.lastStampMs - 60 * DAY, clock.lastStampMs - HOUR);
  let stampMs: number;
  if (batch && future) {
    stampMs = clock.stamp(new Prng(seed, 'appointment-batch', Math.floor(k / 50)), clock.lastStampMs - 30 * DAY);
  } else if (future) {
    stampMs = clock.stamp(rng, entryMs);
  } else {
    stampMs = clock.stamp(rng, startMs + minutes * MINUTE, startMs + (aptStatus === 3 ? 30 : 3) * DAY);
  }
  entryMs = Math.min(entryMs, stampMs);
  const unsched = ref.defs.get(DEF_CAT.RecallUnschedStatus);
  const row: Row = {
    AptNum: k + 1, PatNum: p + 1, AptStatus: aptStatus, Pattern: tpl.pattern,
    Confirmed: confirmed.get(confirmName) ?? 0, TimeLocked: rng.chance(0.02) ? 1 : 0, Op: op,
    Note: aptStatus === 7 ? rng.pick(PT_NOTES) : rng.chance(0.15) ? rng.pick(APPT_NOTES) : '',
    ProvNum: sk.priProvOf[p],
    ProvHyg: tpl.hyg ? rng.pick(ref.hygienistsByClinic.get(clinic) ?? [0]) : 0,
    AptDateTime: toDateTime(startMs),
    UnschedStatus: (aptStatus === 3 || aptStatus === 5) && unsched && rng.chance(0.5) ? rng.pick([...unsched.values()]) : 0,
    IsNewPatient: status === 6 || rng.chance(0.04) ? 1 : 0,
    ProcDescript: aptStatus === 7 ? '' : tpl.proc, ClinicNum: clinic, IsHygiene: tpl.hyg ? 1 : 0,
    DateTStamp: toDateTime(stampMs),
    InsPlan1: sk.plan1[f], InsPlan2: sk.plan2[f],
    SecUserNumEntry: rng.int(1, 6), SecDateTEntry: toDateTime(entryMs),
    Priority: aptStatus === 1 && rng.chance(0.03) ? 1 : 0,
  };
  if (aptStatus === 2) {
    const arrived = startMs - rng.int(0, 15) * MINUTE;
    const seated = startMs + rng.int(0, 10) * MINUTE;
    row.DateTimeArrived = toDateTime(arrived);
    row.DateTimeSeated = toDateTime(seated);
    row.DateTimeDismissed = toDateTime(seated + minutes * MINUTE);
  }
  if (aptStatus === 1 && rng.chance(0.1)) row.DateTimeAskedToArrive = toDateTime(startMs - 15 * MINUTE);
  return { row, entryMs, stampMs };
}

/** Streams the appointment table (deleted appointments left out). */
export function* appointmentRows(seed: number, total: number, sk: PatientSkeleton, ref: ReferenceData, clock: OfficeClock): Generator<Row> {
  for (let k = 0; k < total; k++) if (!isDeletedAppointment(k)) yield makeAppointment(seed, k, sk, ref, clock).row;
}

/** A deleted appointment with the instant it was deleted. */
interface Deletion {
  appt: GeneratedAppointment;
  deletedMs: number;
}

function* deletions(seed: number, total: number, sk: PatientSkeleton, ref: ReferenceData, clock: OfficeClock): Generator<Deletion> {
  for (let k = 0; k < total; k++) {
    if (!isDeletedAppointment(k)) continue;
    const appt = makeAppointment(seed, k, sk, ref, clock);
    const rng = new Prng(seed, 'appointment-deleted', k);
    yield { appt, deletedMs: clock.stamp(rng, appt.stampMs + HOUR) };
  }
}

/** Streams histappointment rows (HistApptAction Deleted = 4) for the deleted appointments. */
export function* histAppointmentRows(seed: number, total: number, sk: PatientSkeleton, ref: ReferenceData, clock: OfficeClock): Generator<Row> {
  let n = 0;
  for (const d of deletions(seed, total, sk, ref, clock)) {
    const when = toDateTime(d.deletedMs);
    yield { ...d.appt.row, HistApptNum: ++n, HistUserNum: 1 + (n % 6), HistDateTStamp: when, HistApptAction: 4, ApptSource: 0, DateTStamp: when };
  }
}

/** Number of ScheduleProv rows, and of RecallPatNum rows, in deletedobject for a patient count. */
export const nonAppointmentDeletions = (patients: number): number => Math.max(3, Math.round(patients / 1000));

/**
 * deletedobject rows sorted by DateTStamp (DeletedObjectNum grows with time, as
 * AUTO_INCREMENT would): ObjectType 0 for every deleted AptNum, plus ScheduleProv (1) and
 * RecallPatNum (2) rows whose ObjectNum is not an AptNum (a RecallPatNum row holds a PatNum).
 */
export function deletedObjectRows(seed: number, total: number, sk: PatientSkeleton, ref: ReferenceData, clock: OfficeClock): Row[] {
  const items: Array<{ num: number; type: number; ms: number }> = [];
  for (const d of deletions(seed, total, sk, ref, clock)) items.push({ num: d.appt.row.AptNum as number, type: 0, ms: d.deletedMs });
  const rng = new Prng(seed, 'deletedobject');
  const extra = nonAppointmentDeletions(sk.count);
  for (let j = 0; j < extra; j++) {
    items.push({ num: rng.int(1, 50000), type: 1, ms: clock.stamp(rng, clock.historyStartMs) });
    items.push({ num: rng.int(1, sk.count), type: 2, ms: clock.stamp(rng, clock.historyStartMs) });
  }
  items.sort((a, b) => a.ms - b.ms || a.type - b.type || a.num - b.num);
  return items.map((it, i) => ({ DeletedObjectNum: i + 1, ObjectNum: it.num, ObjectType: it.type, DateTStamp: toDateTime(it.ms) }));
}
