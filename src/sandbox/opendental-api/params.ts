import { OdApiError } from './api-error';

/** Query parameters as Express parses them. */
export type Query = Record<string, unknown>;

/** A query parameter by name, ignoring case (ASP.NET binds parameters case-insensitively). */
export function param(q: Query, name: string): string | undefined {
  const key = Object.keys(q).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  const value = q[key];
  const s = Array.isArray(value) ? String(value[0]) : String(value);
  return s === '' ? undefined : s;
}

/** An optional whole number (a primary or foreign key). @throws OdApiError 400. */
export function optInt(q: Query, name: string): number | undefined {
  const s = param(q, name);
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s)) throw OdApiError.badRequest(`${name} is not a valid number.`);
  return Number(s);
}

/** A key from the URL. @throws OdApiError 400 when it is not a positive number. */
export function pathKey(value: string, name: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw OdApiError.badRequest(`${name} is not valid.`);
  return Number(value);
}

/** `Limit` (default and maximum `maxLimit`: 100, or 1000 for the Local API, §1.3) and `Offset`. @throws OdApiError 400. */
export function paging(q: Query, maxLimit: number): { limit: number; offset: number } {
  const limit = optInt(q, 'Limit') ?? maxLimit;
  const offset = optInt(q, 'Offset') ?? 0;
  if (limit < 1) throw OdApiError.badRequest('Limit must be at least 1.');
  if (limit > maxLimit) throw OdApiError.badRequest(`Limit cannot be greater than ${maxLimit}.`);
  if (offset < 0) throw OdApiError.badRequest('Offset cannot be negative.');
  return { limit, offset };
}

function validDate(s: string): boolean {
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s.slice(0, 10);
}

/** A `yyyy-MM-dd` date. @throws OdApiError 400. */
export function asDate(value: string, name: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !validDate(value)) throw OdApiError.badRequest(`${name} must be a date in yyyy-MM-dd format.`);
  return value;
}

/** A `yyyy-MM-dd HH:mm:ss` date-time (a bare date means its midnight). @throws OdApiError 400. */
export function asDateTime(value: string, name: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (!m || !validDate(m[1]) || Number(m[2] ?? 0) > 23 || Number(m[3] ?? 0) > 59 || Number(m[4] ?? 0) > 59) {
    throw OdApiError.badRequest(`${name} must be in yyyy-MM-dd HH:mm:ss format.`);
  }
  return `${m[1]} ${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`;
}

export function optDate(q: Query, name: string): string | undefined {
  const s = param(q, name);
  return s === undefined ? undefined : asDate(s, name);
}

export function optDateTime(q: Query, name: string): string | undefined {
  const s = param(q, name);
  return s === undefined ? undefined : asDateTime(s, name);
}

/** The number of an enum given by name (case-insensitive). @throws OdApiError 400 naming the allowed values. */
export function enumIndex(names: readonly string[], value: unknown, name: string): number {
  const index = names.findIndex((n) => n.toLowerCase() === String(value).toLowerCase());
  if (index < 0) throw OdApiError.badRequest(`${name} must be one of: ${names.join(', ')}.`);
  return index;
}

export function optEnum(q: Query, name: string, names: readonly string[]): number | undefined {
  const s = param(q, name);
  return s === undefined ? undefined : enumIndex(names, s, name);
}

/** WHERE clause builder: conditions joined with AND, values bound in order. */
export class Where {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];

  add(sql: string, ...values: unknown[]): this {
    this.parts.push(sql);
    this.values.push(...values);
    return this;
  }

  /** Adds `sql` only when `value` is defined. */
  opt(sql: string, value: unknown): this {
    return value === undefined ? this : this.add(sql, value);
  }

  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** A JSON request body that must be an object. @throws OdApiError 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw OdApiError.badRequest('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}
