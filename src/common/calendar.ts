import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDate, Matches, ValidateBy, ValidationOptions } from 'class-validator';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** True when year, month and day name a real calendar day (no 2026-02-30, no month 13). */
function realDay(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** True for a `yyyy-MM-dd` string that is a real calendar day. */
export function isCalendarDate(value: unknown): boolean {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  return !!m && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Parses an ISO 8601 date (`2026-11-01`) or date-time (`2026-11-01T09:30:00Z`, with an offset
 * or fraction) whose fields are real (day within its month, hour < 24, minute and second < 60).
 * JavaScript's `Date` quietly rolls `2026-02-30` over to March 2; this refuses it.
 * @returns the instant, or null when the text is not such a value.
 */
export function parseInstant(value: string): Date | null {
  const m = INSTANT.exec(value);
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/**
 * A query or body field holding a `yyyy-MM-dd` calendar date (kept as the string): 400
 * `<field> must be a real date (yyyy-MM-dd)` for a bad format or an impossible day.
 */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Matches(DATE, { message: ({ property }) => `${property} must be a real date (yyyy-MM-dd)`, ...options }),
    ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: (a) => `${a?.property} must be a real date (yyyy-MM-dd)` } }, options),
  );
}

/**
 * A query or body field holding an ISO 8601 date or date-time, converted to a `Date`: 400
 * `<field> must be an ISO 8601 date or date-time` for anything else, impossible days included.
 * Replaces `@Type(() => Date) @IsDate()`, which accepts `2026-02-30` as March 2.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? parseInstant(value) ?? new Date(Number.NaN) : value instanceof Date ? value : new Date(Number.NaN))),
    IsDate({ message: ({ property }) => `${property} must be an ISO 8601 date or date-time`, ...options }),
  );
}
