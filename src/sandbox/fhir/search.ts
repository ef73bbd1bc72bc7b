import type { Bundle, BundleEntry, FhirResource } from '../../providers/fhir/fhir-types';
import { FhirSandboxError } from './fhir-error';
import { queryFilters } from './filters';
import { FhirSandboxProfile, SandboxResourceType } from './profiles';

/** Query of one search request (Express's parsed query: repeated names give arrays). */
export type SearchQuery = Record<string, string | string[] | undefined>;

/** Keyset position of a page: the (lastUpdated, id) of the last entry before it, plus the frozen query. */
interface Cursor {
  q: Record<string, string[]>;
  after: [string, string] | null;
  page: number;
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function key(r: FhirResource): [string, string] {
  return [r.meta?.lastUpdated ?? '', r.id ?? ''];
}

function compare(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Options of one page. */
export interface PageOptions {
  profile: FhirSandboxProfile;
  /** `http://host/sandbox/fhir/{vendor}/{tenant}`: fullUrls and next links hang off it. */
  base: string;
  type: SandboxResourceType;
  /** The tenant path segment (tenancy parameters name it). */
  tenant: string;
  duplicateAcrossPages: boolean;
  outcomeEntries: boolean;
}

/**
 * One searchset page (http://hl7.org/fhir/R4/search.html): filters by the profile's rules
 * (filters.ts: `_id`, `_lastUpdated`, `patient`, `date`, `location`, tenancy, required combinations), sorted by (`meta.lastUpdated`, id) so paging is a
 * keyset (no offsets that skip or repeat rows when data changes, hapi-fhir#3608). A page size
 * comes from the profile's count parameter (capped). The next link carries an opaque cursor
 * (the profile's page parameter) and is present whenever the page is full, so an exact
 * multiple ends with an empty page, as HAPI does (hapi-fhir#5237).
 * @throws FhirSandboxError 400 for an unknown parameter, a bad `_lastUpdated` or cursor.
 */
export function searchPage(resources: Iterable<FhirResource>, query: SearchQuery, options: PageOptions): Bundle {
  const { profile } = options;
  let cursor: Cursor;
  const token = list(query[profile.pageParam])[0];
  if (token) {
    try {
      cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    } catch {
      throw new FhirSandboxError(400, 'invalid', `${profile.pageParam} is not a cursor this server issued`);
    }
  } else {
    const q: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(query)) q[name] = list(value);
    cursor = { q, after: null, page: 0 };
  }
  const filters = queryFilters(cursor.q, options.type, profile, options.tenant);
  const requested = Number(profile.countParam ? cursor.q[profile.countParam]?.[0] ?? profile.defaultCount : profile.defaultCount);
  if (!Number.isInteger(requested) || requested < 0) throw new FhirSandboxError(400, 'invalid', `${profile.countParam} must be a non-negative integer`);
  const count = Math.min(requested, profile.maxCount);
  const matches = [...resources]
    .filter((r) => filters.every((f) => f(r)))
    .sort((a, b) => compare(key(a), key(b)));
  const start = cursor.after ? matches.findIndex((r) => compare(key(r), cursor.after!) > 0) : 0;
  const from = start < 0 ? matches.length : start;
  const page = matches.slice(from, from + count);
  const entries: BundleEntry[] = page.map((r) => ({ fullUrl: `${options.base}/${options.type}/${r.id}`, resource: r, search: { mode: 'match' } }));
  if (options.duplicateAcrossPages && cursor.page > 0 && from > 0) {
    const previous = matches[from - 1];
    entries.unshift({ fullUrl: `${options.base}/${options.type}/${previous.id}`, resource: previous, search: { mode: 'match' } });
  }
  if (options.outcomeEntries) {
    entries.push({ resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'informational', diagnostics: 'Some results may be hidden' }] }, search: { mode: 'outcome' } });
  }
  const selfQuery = token ? `${profile.pageParam}=${token}` : new URLSearchParams(Object.entries(cursor.q).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v]))).toString();
  const bundle: Bundle = { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: `${options.base}/${options.type}${selfQuery ? `?${selfQuery}` : ''}` }] };
  // FHIR JSON has no empty arrays (http://hl7.org/fhir/R4/json.html): an empty page has no entry element.
  if (entries.length) bundle.entry = entries;
  if (!token) bundle.total = matches.length;
  if (count > 0 && page.length === count) {
    const next: Cursor = { q: cursor.q, after: key(page[page.length - 1]), page: cursor.page + 1 };
    bundle.link!.push({ relation: 'next', url: `${options.base}/${options.type}?${profile.pageParam}=${Buffer.from(JSON.stringify(next)).toString('base64url')}` });
  }
  return bundle;
}
