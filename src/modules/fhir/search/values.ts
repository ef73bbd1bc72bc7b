import { FhirException } from '../fhir.exception';

/** Prefixes a date search accepts (http://hl7.org/fhir/R4/search.html#prefix); `sa`, `eb`, `ap`, `ne` are refused. */
export const DATE_PREFIXES = ['eq', 'gt', 'ge', 'lt', 'le'] as const;
export type DatePrefix = (typeof DATE_PREFIXES)[number];

/**
 * A date search value as the half-open range it stands for: `2020` is [2020-01-01, 2021-01-01),
 * `2020-03-01T10:00:00Z` is [that second, the next). `lo`/`hi` are ISO strings: `yyyy-MM-dd` for
 * dates, full UTC instants when `instant` is asked for.
 */
export interface DateRange {
  prefix: DatePrefix;
  lo: string;
  hi: string;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * Parses a FHIR date search value (`[prefix]yyyy[-MM[-dd[Thh:mm[:ss[.sss]][Z|±hh:mm]]]]`).
 * With `instants` false (a `date` element such as Patient.birthDate) a time is refused and
 * `lo`/`hi` are days; with `instants` true they are UTC instants (a value without zone is UTC).
 * @throws FhirException 400 naming `name` for an unknown prefix, a malformed or impossible date.
 */
export function parseDateParam(name: string, raw: string, instants: boolean): DateRange {
  const prefixed = /^[a-z]{2}/.exec(raw)?.[0];
  let prefix: DatePrefix = 'eq';
  let value = raw;
  if (prefixed) {
    if (!(DATE_PREFIXES as readonly string[]).includes(prefixed)) throw FhirException.invalidParameter(name, `prefix "${prefixed}" is not supported (use ${DATE_PREFIXES.join(', ')})`);
    prefix = prefixed as DatePrefix;
    value = raw.slice(2);
  }
  const date = DATE.exec(value);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2] ?? 1), Number(date[3] ?? 1)];
    if (m < 1 || m > 12 || !validDay(y, m, d)) throw FhirException.invalidParameter(name, 'is not a valid date');
    const start = new Date(Date.UTC(y, m - 1, d));
    const end = new Date(Date.UTC(date[2] ? y : y + 1, date[2] ? (date[3] ? m - 1 : m) : 0, date[3] ? d + 1 : 1));
    const show = (t: Date) => (instants ? t.toISOString() : t.toISOString().slice(0, 10));
    return { prefix, lo: show(start), hi: show(end) };
  }
  const dt = DATE_TIME.exec(value);
  if (!dt) throw FhirException.invalidParameter(name, 'expected yyyy, yyyy-MM, yyyy-MM-dd or yyyy-MM-ddThh:mm[:ss][Z|±hh:mm]');
  if (!instants) throw FhirException.invalidParameter(name, 'is a date: give yyyy, yyyy-MM or yyyy-MM-dd');
  const [y, m, d, hh, mm] = [1, 2, 3, 4, 5].map((i) => Number(dt[i]));
  if (!validDay(y, m, d) || hh > 23 || mm > 59 || Number(dt[6] ?? 0) > 59) throw FhirException.invalidParameter(name, 'is not a valid date-time');
  const start = Date.parse(`${value.slice(0, 10)}T${dt[4]}:${dt[5]}:${dt[6] ?? '00'}${dt[7] ?? ''}${dt[8] ?? 'Z'}`);
  if (Number.isNaN(start)) throw FhirException.invalidParameter(name, 'is not a valid date-time');
  const step = dt[7] ? 1 : dt[6] ? 1000 : 60_000;
  return { prefix, lo: new Date(start).toISOString(), hi: new Date(start + step).toISOString() };
}

/**
 * SQL condition for `column` against a {@link DateRange}, with `$n` placeholders pushed onto
 * `params` (http://hl7.org/fhir/R4/search.html#prefix, for a point-in-time target):
 * eq in [lo, hi); gt ≥ hi; ge ≥ lo; lt < lo; le < hi.
 */
export function dateCondition(column: string, range: DateRange, params: unknown[], cast: string): string {
  const p = (v: string) => (params.push(v), `$${params.length}${cast}`);
  switch (range.prefix) {
    case 'eq': return `(${column} >= ${p(range.lo)} AND ${column} < ${p(range.hi)})`;
    case 'gt': return `${column} >= ${p(range.hi)}`;
    case 'ge': return `${column} >= ${p(range.lo)}`;
    case 'lt': return `${column} < ${p(range.lo)}`;
    case 'le': return `${column} < ${p(range.hi)}`;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a uuid (our record ids). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Parses a reference search value (`<id>`, `Type/<id>` or `<base>/Type/<id>`) to our record id.
 * @throws FhirException 400 naming `name` when the type is not `type` or the id is not a uuid.
 */
export function parseReference(name: string, raw: string, type: string): string {
  const parts = raw.split('/');
  const id = parts[parts.length - 1];
  const given = parts.length > 1 ? parts[parts.length - 2] : type;
  if (given !== type) throw FhirException.invalidParameter(name, `expected a ${type} reference`);
  if (!isUuid(id)) throw FhirException.invalidParameter(name, `expected ${type}/<id> with a uuid id`);
  return id.toLowerCase();
}

/** Splits a value on commas not escaped with `\` (FHIR's OR), unescaping `\,`. Empty parts are dropped. */
export function splitOr(raw: string): string[] {
  return raw.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ',')).filter((v) => v.length > 0);
}
