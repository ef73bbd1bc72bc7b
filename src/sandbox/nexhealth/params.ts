import { NexApiError } from './envelope';

/** Query parameters as Express parses them (simple or extended parser). */
export type Query = Record<string, unknown>;

/** A single query parameter, or undefined when absent or empty. */
export function param(q: Query, name: string): string | undefined {
  const value = q[name];
  if (value === undefined || value === null) return undefined;
  const s = Array.isArray(value) ? String(value[0]) : String(value);
  return s === '' ? undefined : s;
}

/** A required parameter. @throws NexApiError 400 naming it. */
export function required(q: Query, name: string): string {
  const value = param(q, name);
  if (value === undefined) throw NexApiError.badRequest(`${name} is missing`);
  return value;
}

/** An optional integer. @throws NexApiError 400. */
export function optInt(q: Query, name: string): number | undefined {
  const s = param(q, name);
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s)) throw NexApiError.badRequest(`${name} is invalid`);
  return Number(s);
}

/** An optional boolean (`true`/`false`). @throws NexApiError 400. */
export function optBool(q: Query, name: string): boolean | undefined {
  const s = param(q, name);
  if (s === undefined) return undefined;
  if (s !== 'true' && s !== 'false') throw NexApiError.badRequest(`${name} is invalid`);
  return s === 'true';
}

/** An optional ISO 8601 date-time (`2024-04-15T15:00:00Z`, `…+0000`) as epoch ms. @throws NexApiError 400. */
export function optDateTime(q: Query, name: string): number | undefined {
  const s = param(q, name);
  if (s === undefined) return undefined;
  const normalized = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/ (\d{2}):?(\d{2})$/, '+$1:$2');
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(normalized) ? Date.parse(normalized) : Number.NaN;
  if (Number.isNaN(ms)) throw NexApiError.badRequest(`${name} is invalid`);
  return ms;
}

/** An integer array given as `name[]=1&name[]=2` (either query parser) or `name=1,2`. @throws NexApiError 400. */
export function intArray(q: Query, name: string): number[] | undefined {
  const raw = q[`${name}[]`] ?? q[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : String(raw).split(',')).map(String).filter((v) => v !== '');
  if (values.some((v) => !/^\d+$/.test(v))) throw NexApiError.badRequest(`${name} is invalid`);
  return values.map(Number);
}

/** A string array parameter (`include[]`). */
export function stringArray(q: Query, name: string): string[] | undefined {
  const raw = q[`${name}[]`] ?? q[name];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).map(String);
}

/** A positive id from the path. @throws NexApiError 400. */
export function pathId(value: string, name = 'id'): number {
  if (!/^\d+$/.test(value)) throw NexApiError.badRequest(`${name} is invalid`);
  return Number(value);
}

/** A JSON body that must be an object. @throws NexApiError 400. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw NexApiError.badRequest('The request body must be a JSON object');
  return body as Record<string, unknown>;
}
