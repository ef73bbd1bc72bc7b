import { ADMINISTRATIVE_GENDER, APPOINTMENT_STATUS } from '../../../canonical';
import { FhirException } from '../fhir.exception';
import { CONTROL_PARAMS, DEFAULT_COUNT, FhirType, MAX_COUNT, SEARCH_PARAMS } from '../fhir-resource-types';
import { systemToStored } from '../converters/identifiers';
import { escapeLike, fold } from './fold';
import { dateCondition, isUuid, parseDateParam, parseReference, splitOr } from './values';

/**
 * The order a search pages in. By default `records.id` (`key` null). A search on birthdate,
 * family, given (one value) or Appointment date pages by that key then id instead, straight
 * down its index (organization, key, id): a broad prefix or a deep page then reads only the rows
 * it returns. `fence` asks the store to match first and order after (GIN-indexed filters,
 * whose selectivity the planner cannot estimate).
 */
export interface SearchOrder {
  tag: string;
  key: string | null;
  fence: boolean;
}

/** A search as SQL: conditions on `records r` (ANDed) with their `$n` parameters, the page size, the cursor and the order. */
export interface SearchQuery {
  where: string[];
  params: unknown[];
  count: number;
  cursor: string | null;
  order: SearchOrder;
}

/** Looks up (integration, external id) of our record ids of one resource type in the caller's organization. */
export type SourceKeyLookup = (resource: 'providers' | 'locations', ids: string[]) => Promise<Array<{ integrationId: string; externalId: string }>>;

/** Family and first given name of the first (official) name: the expressions the FHIR indexes cover. */
const NAME_PATH = { family: `r.data #>> '{names,0,family}'`, given: `r.data #>> '{names,0,given,0}'` } as const;

/** Index keys a search may page on, in order of preference (each is the key of an index (organization_id, key, id)). */
const DRIVING_KEYS: Record<string, string> = {
  birthdate: `((r.data ->> 'birthDate') COLLATE "C")`,
  family: `(fhir_fold(${NAME_PATH.family}) COLLATE "C")`,
  given: `(fhir_fold(${NAME_PATH.given}) COLLATE "C")`,
  date: 'r.starts_at',
};

/**
 * Turns a search's query parameters into SQL over `records r` (http://hl7.org/fhir/R4/search.html):
 * repeated parameters AND, comma-separated values OR. Conditions start after `$1` (organization)
 * which the caller binds. With `lenient` (Prefer: handling=lenient) unknown parameters are
 * ignored; otherwise they are refused.
 * @throws FhirException 400 naming the parameter: unknown parameter or modifier, bad date,
 * prefix, reference or code, `_count` outside 1–500.
 */
export async function buildSearch(type: FhirType, query: URLSearchParams, lenient: boolean, lookup: SourceKeyLookup): Promise<SearchQuery> {
  const known = new Set(SEARCH_PARAMS[type].map((p) => p.name));
  const q: SearchQuery = { where: [], params: ['<organization>'], count: DEFAULT_COUNT, cursor: null, order: { tag: 'id', key: null, fence: false } };
  const drivable = new Set<string>();
  const undrivable = new Set<string>();
  const bind = (value: unknown) => (q.params.push(value), `$${q.params.length}`);
  const anyOf = (parts: string[]) => (parts.length ? `(${parts.join(' OR ')})` : 'false');

  for (const [key, raw] of query) {
    const [name, modifier] = key.split(':', 2);
    if ((CONTROL_PARAMS as readonly string[]).includes(name) && modifier === undefined) {
      if (name === '_count') {
        if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_COUNT) throw FhirException.invalidParameter('_count', `must be an integer from 1 to ${MAX_COUNT}`);
        q.count = Number(raw);
      } else if (name === '_cursor') q.cursor = raw;
      continue;
    }
    if (!known.has(name)) {
      if (lenient) continue;
      throw FhirException.invalidParameter(key, `is not a supported search parameter of ${type} (send "Prefer: handling=lenient" to ignore it)`);
    }
    const isString = ['name', 'family', 'given'].includes(name);
    if (modifier !== undefined && !(isString && modifier === 'exact')) {
      if (lenient) continue;
      throw FhirException.invalidParameter(key, `modifier ":${modifier}" is not supported`);
    }
    const values = splitOr(raw);
    if (!values.length) throw FhirException.invalidParameter(name, 'has no value');
    if (name in DRIVING_KEYS) (values.length === 1 ? drivable : undrivable).add(name);
    // Selective GIN or id filters match first; `identifier=system|` (every record of a system) walks the id order instead.
    if (['practitioner', 'location', '_id'].includes(name) || (name === 'identifier' && values.every((v) => !v.endsWith('|')))) q.order.fence = true;

    switch (name) {
      case '_id':
        q.where.push(anyOf(values.filter(isUuid).map((v) => `r.id = ${bind(v.toLowerCase())}::uuid`)));
        break;
      case 'identifier':
        q.where.push(anyOf(values.map((v) => identifierCondition(v, bind))));
        break;
      case '_lastUpdated':
        q.where.push(anyOf(values.map((v) => dateCondition('r.updated_at', parseDateParam(name, v, true), q.params, '::timestamptz'))));
        break;
      case 'birthdate':
        q.where.push(anyOf(values.map((v) => dateCondition(DRIVING_KEYS.birthdate, parseDateParam(name, v, false), q.params, '::text'))));
        break;
      case 'date':
        q.where.push(anyOf(values.map((v) => dateCondition('r.starts_at', parseDateParam(name, v, true), q.params, '::timestamptz'))));
        break;
      case 'family':
      case 'given':
        q.where.push(anyOf(values.map((v) => stringCondition(NAME_PATH[name], v, modifier === 'exact', bind))));
        break;
      case 'name':
        q.where.push(anyOf(values.flatMap((v) => (['family', 'given'] as const).map((part) => stringCondition(NAME_PATH[part], v, modifier === 'exact', bind)))));
        break;
      case 'gender':
        for (const v of values) if (!(ADMINISTRATIVE_GENDER as readonly string[]).includes(v)) throw FhirException.invalidParameter(name, `"${v}" is not an AdministrativeGender code`);
        q.where.push(`(r.data ->> 'gender') = ANY(${bind(values)}::text[])`);
        break;
      case 'status':
        for (const v of values) if (!(APPOINTMENT_STATUS as readonly string[]).includes(v)) throw FhirException.invalidParameter(name, `"${v}" is not an AppointmentStatus code`);
        q.where.push(`(r.data ->> 'status') = ANY(${bind(values)}::text[])`);
        break;
      case 'patient':
        q.where.push(`r.patient_id = ANY(${bind(values.map((v) => parseReference(name, v, 'Patient')))}::uuid[])`);
        break;
      case 'practitioner':
      case 'location': {
        const resource = name === 'practitioner' ? 'providers' : 'locations';
        const keys = await lookup(resource, values.map((v) => parseReference(name, v, name === 'practitioner' ? 'Practitioner' : 'Location')));
        q.where.push(anyOf(keys.map((k) =>
          `(r.integration_id = ${bind(k.integrationId)}::uuid AND (r.data -> 'participants') @> ${bind(JSON.stringify([{ resourceType: resource, link: { externalId: k.externalId } }]))}::jsonb)`)));
        break;
      }
    }
  }
  const driver = Object.keys(DRIVING_KEYS).find((k) => drivable.has(k) && !undrivable.has(k));
  if (driver && !q.order.fence) q.order = { tag: driver, key: DRIVING_KEYS[driver], fence: false };
  // Name and OR-ed key searches cannot page down one index: match through the indexes (BitmapOr)
  // first. Walking the id order instead costs a full scan when the name is rare (measured: 57 s
  // on 1,000,000 patients for a name nobody has, against 2 s matched first for 43,000 matches).
  else if (!driver && (query.has('name') || undrivable.size > 0)) q.order.fence = true;
  return q;
}

/** `[system]|[value]`, `value` or `system|`: containment on `data->'identifiers'` (GIN indexed). */
function identifierCondition(raw: string, bind: (v: unknown) => string): string {
  const bar = raw.indexOf('|');
  const system = bar >= 0 ? raw.slice(0, bar) : null;
  const value = bar >= 0 ? raw.slice(bar + 1) : raw;
  if (system === '') return 'false'; // `|value`: an identifier without a system; ours always have one.
  const stored = system === null ? null : systemToStored(system);
  const wanted: Record<string, string> = {};
  if (stored) wanted.system = stored.system;
  else if (system !== null) return 'false';
  if (value) wanted.value = value;
  const contains = `(r.data -> 'identifiers') @> ${bind(JSON.stringify([wanted]))}::jsonb`;
  return stored?.integrationId ? `(r.integration_id = ${bind(stored.integrationId)}::uuid AND ${contains})` : contains;
}

/** FHIR string match on a folded expression (C collation, as indexed): starts-with by default, equality with `:exact`. */
function stringCondition(path: string, value: string, exact: boolean, bind: (v: unknown) => string): string {
  const folded = `(fhir_fold(${path}) COLLATE "C")`;
  if (exact) return `(${folded} = ${bind(fold(value))} AND ${path} = ${bind(value)})`;
  return `${folded} LIKE ${bind(`${escapeLike(fold(value))}%`)}`;
}
