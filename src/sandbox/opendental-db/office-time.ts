import type { Prng } from './prng';
import { toDateTime } from './row-format';

/**
 * Time frame of a generated office. Everything is relative to `referenceMs`, a UTC
 * midnight (today by default) rather than the exact build instant, so two builds with
 * the same seed on the same day produce identical rows.
 *
 * Times are OpenDental "office local time" written as-is into a UTC session
 * (see connection.ts), so no offset is ever applied.
 */

/** Durations in milliseconds. */
export const MINUTE = 60_000;
/** One hour in milliseconds. */
export const HOUR = 60 * MINUTE;
/** One day in milliseconds (UTC days: no daylight-saving shifts). */
export const DAY = 24 * HOUR;

/** Days of history: past appointments and stamps span two years. */
export const HISTORY_DAYS = 730;
/** Days of future appointments. */
export const FUTURE_DAYS = 90;

/** Reference instants of one generated office. */
export class OfficeClock {
  /** UTC midnight of the reference day (epoch ms). */
  readonly referenceMs: number;
  /** Oldest stamp: referenceMs minus two years. */
  readonly historyStartMs: number;
  /**
   * Newest explicit stamp: 19:00 the day before referenceMs, i.e. at least five hours
   * before any build on the reference day, so rows stamped later by MariaDB (mutations)
   * are always strictly newer than generated ones.
   */
  readonly lastStampMs: number;

  /** @param referenceMs epoch ms; truncated to its UTC midnight. */
  constructor(referenceMs: number) {
    this.referenceMs = Math.floor(referenceMs / DAY) * DAY;
    this.historyStartMs = this.referenceMs - HISTORY_DAYS * DAY;
    this.lastStampMs = this.referenceMs - 5 * HOUR;
  }

  /**
   * A per-second stamp in [lo, hi] (clamped to the stamp window), during office hours
   * (07:00-19:00) when the range allows: real DateTStamps come from staff edits.
   */
  stamp(rng: Prng, lo: number, hi: number = this.lastStampMs): number {
    const a = Math.max(lo, this.historyStartMs);
    const b = Math.min(hi, this.lastStampMs);
    if (b <= a) return Math.floor(Math.min(a, this.lastStampMs) / 1000) * 1000;
    let t = a + Math.floor(rng.next() * (b - a));
    const dayStart = Math.floor(t / DAY) * DAY;
    const officeT = dayStart + 7 * HOUR + Math.floor(rng.next() * 12 * HOUR);
    if (officeT >= a && officeT <= b) t = officeT;
    return Math.floor(t / 1000) * 1000;
  }

  /** stamp() formatted as 'yyyy-MM-dd HH:mm:ss'. */
  stampText(rng: Prng, lo?: number, hi?: number): string {
    return toDateTime(this.stamp(rng, lo ?? this.historyStartMs, hi));
  }

  /**
   * An appointment start on a 10-minute step between 07:00 and 16:50, Monday-Saturday
   * (Saturdays rare), `dayOffset` days from the reference day (negative = past).
   */
  appointmentStart(rng: Prng, dayOffset: number): number {
    let day = this.referenceMs + dayOffset * DAY;
    const dow = new Date(day).getUTCDay();
    if (dow === 0 || (dow === 6 && !rng.chance(0.15))) {
      // Closed: re-draw a weekday of the same week, staying on the same side of today.
      day = day - ((dow + 6) % 7) * DAY + rng.int(0, 4) * DAY;
      if (dayOffset < 0 && day >= this.referenceMs) day -= 7 * DAY;
      if (dayOffset > 0 && day <= this.referenceMs) day += 7 * DAY;
    }
    return day + 7 * HOUR + rng.int(0, 59) * 10 * MINUTE;
  }

  /** Whole years between a birth instant and the reference day. */
  ageAt(birthMs: number): number {
    return Math.floor((this.referenceMs - birthMs) / (365.25 * DAY));
  }
}

/** Today's UTC midnight, the default reference of a sandbox build. */
export function defaultReferenceMs(now: number = Date.now()): number {
  return Math.floor(now / DAY) * DAY;
}
