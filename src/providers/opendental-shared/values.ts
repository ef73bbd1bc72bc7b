/**
 * Value rules shared by both OpenDental paths (database and REST API):
 * empty strings mean "not set", the minimum date `0001-01-01` means none (§1.2), and
 * carriage returns may arrive as spaces. Timestamps have no offset: they are office-local.
 */

/** Trimmed text, or null for empty/whitespace. The literal text "NULL" stays text. */
export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** Text on one line: the REST API sends carriage returns as spaces (§1.2), so both paths flatten line breaks the same way. */
export function oneLine(value: unknown): string | null {
  const s = text(value);
  return s === null ? null : s.replace(/\r\n|\r|\n/g, ' ');
}

/** A `yyyy-MM-dd` date, or null for `0001-01-01`, empty or malformed values. */
export function odDate(value: unknown): string | null {
  const s = text(value);
  if (!s) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m || m[1] === '0001' || m[1] === '0000') return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A `yyyy-MM-dd HH:mm:ss` local date-time as `yyyy-MM-ddTHH:mm:ss`, or null for the minimum value. */
export function odDateTime(value: unknown): string | null {
  const s = text(value);
  if (!s) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(s);
  if (!m || m[1] === '0001' || m[1] === '0000') return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

/** Foreign keys: OpenDental uses 0 for "none". Returns the key as a string, or null. */
export function fk(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' || s === '0' ? null : s;
}

const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function computeOffset(timeZone: string, utcMillis: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMillis));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - utcMillis) / 60000);
}

/**
 * Offset (minutes east of UTC) of `timeZone` at an instant. Cached per UTC day when the offset
 * is the same at both ends of the day (almost always), otherwise per hour (DST change days).
 */
function offsetMinutes(timeZone: string, utcMillis: number): number {
  const day = Math.floor(utcMillis / 86_400_000);
  const dayKey = `${timeZone}|d${day}`;
  let cached = offsetCache.get(dayKey);
  if (cached === undefined) {
    const start = computeOffset(timeZone, day * 86_400_000);
    const end = computeOffset(timeZone, (day + 1) * 86_400_000 - 1000);
    cached = start === end ? start : Number.NaN;
    if (offsetCache.size > 50_000) offsetCache.clear();
    offsetCache.set(dayKey, cached);
  }
  if (!Number.isNaN(cached)) return cached;
  const hourKey = `${timeZone}|h${Math.floor(utcMillis / 3_600_000)}`;
  let hourly = offsetCache.get(hourKey);
  if (hourly === undefined) {
    hourly = computeOffset(timeZone, utcMillis);
    offsetCache.set(hourKey, hourly);
  }
  return hourly;
}

/**
 * Converts an office-local `yyyy-MM-ddTHH:mm:ss` to an ISO instant (UTC, `Z`) in an IANA time
 * zone. Offsets are cached per hour. In the repeated hour of a DST change the earlier offset wins.
 */
export function localToInstant(local: string | null, timeZone: string): string | null {
  if (!local) return null;
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return null;
  if (timeZone === 'UTC') return new Date(asUtc).toISOString();
  const first = offsetMinutes(timeZone, asUtc);
  const guess = asUtc - first * 60000;
  const second = offsetMinutes(timeZone, guess);
  return new Date(asUtc - second * 60000).toISOString();
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
