import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import type { FhirHttp } from './fhir-http';
import type { Bundle, BundleLink, FhirResource } from './fhir-types';

/** One page of a search. */
export interface SearchPage {
  /** The URL this page was fetched from (a resume point: fetch it again to re-read the page). */
  url: string;
  /** Matches of the searched type, in server order, without ids already seen in this pass. */
  resources: FhirResource[];
  /** The `next` link verbatim, or null on the last page. */
  next: string | null;
  /** The server's `Date` (epoch ms) of this page, null when absent. */
  serverTime: number | null;
  /** Entries dropped: already seen this pass, `search.mode = outcome` (OperationOutcome), other types (`_include`d). */
  duplicates: number;
  outcomes: number;
  others: number;
}

/** Options of {@link searchPages}. */
export interface SearchOptions {
  resourceType: string;
  /** Ids already taken in this pass (shared across calls when a pass resumes); filled as pages go. */
  seen?: Set<string>;
  /** Safety stop: at most this many pages (a server looping on its own next link). Default 100,000. */
  maxPages?: number;
  /**
   * An error on a next link after which the search starts again from `restartUrl` (an expired
   * cursor: Epic 4113 "Session ID for cached search results has expired", HAPI 410). Ids already
   * taken stay in `seen`, so the restart yields only what the pass has not had. At most 3 restarts.
   */
  restartOn?: (error: unknown) => boolean;
  /** Where a restart begins (default `firstUrl`): the pass's first page when `firstUrl` is a resumed next link. */
  restartUrl?: string;
  /**
   * Replace the origin of next links with this one (`https://fhir.example.org`): for servers that
   * answer with an internal host (HAPI behind a proxy, Metriport's api-hapi.ts). Path and query are kept verbatim.
   */
  rewriteOrigin?: string;
}

/**
 * Pages of a FHIR search as an async generator (http://hl7.org/fhir/R4/search.html#paging):
 * follows `Bundle.link[relation=next].url` verbatim (never rebuilt: HAPI and Cerner links are
 * opaque, hapifhir/hapi-fhir#2552), skips `search.mode = outcome` entries (Epic puts
 * OperationOutcome warnings inside searchsets) and entries of other types, drops ids already
 * seen in the pass (offset paging repeats rows across pages, hapi-fhir#3608), and ends on a
 * page without a next link, empty or not (hapi-fhir#5237 sends a next link to an empty page).
 * The bearer token reaches only the base's origin (FhirHttp). An expired cursor (`restartOn`)
 * restarts the search at its first page, skipping the ids already taken.
 * @throws ProviderException VENDOR_ERROR (permanent) when a page is not a Bundle; the client's errors.
 */
export async function* searchPages(http: FhirHttp, firstUrl: string, options: SearchOptions): AsyncGenerator<SearchPage> {
  const seen = options.seen ?? new Set<string>();
  const maxPages = options.maxPages ?? 100_000;
  let url: string | null = firstUrl;
  const visited = new Set<string>();
  const restartUrl = options.restartUrl ?? firstUrl;
  let restarts = 0;
  for (let n = 0; url && n < maxPages; n++) {
    if (visited.has(url)) return; // a next link pointing back at a page already read
    visited.add(url);
    let response: { body: Bundle; serverTime: number | null };
    try {
      response = await http.get<Bundle>(url);
    } catch (error) {
      if (url === restartUrl || restarts >= 3 || !options.restartOn?.(error)) throw error;
      restarts++;
      visited.clear();
      url = restartUrl;
      continue;
    }
    const { body, serverTime } = response;
    if (!body || body.resourceType !== 'Bundle') {
      throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, `FHIR server did not answer a Bundle to ${http.label('GET', http.resolve(url))}`, { temporary: false });
    }
    const page: SearchPage = { url, resources: [], next: null, serverTime, duplicates: 0, outcomes: 0, others: 0 };
    for (const entry of body.entry ?? []) {
      const resource = entry.resource;
      if (entry.search?.mode === 'outcome' || resource?.resourceType === 'OperationOutcome') {
        page.outcomes++;
        continue;
      }
      if (!resource || resource.resourceType !== options.resourceType || typeof resource.id !== 'string' || entry.search?.mode === 'include') {
        page.others++;
        continue;
      }
      if (seen.has(resource.id)) {
        page.duplicates++;
        continue;
      }
      seen.add(resource.id);
      page.resources.push(resource);
    }
    const link: string | null = (body.link ?? []).find((l: BundleLink) => l.relation === 'next' && typeof l.url === 'string' && l.url.length > 0)?.url ?? null;
    const next = link && options.rewriteOrigin ? withOrigin(link, options.rewriteOrigin) : link;
    page.next = next;
    yield page;
    url = next;
  }
}

/** `url` with its scheme, host and port replaced by `origin`'s (relative links are left alone). */
function withOrigin(url: string, origin: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  const parsed = new URL(url);
  return `${new URL(origin).origin}${parsed.pathname}${parsed.search}`;
}
