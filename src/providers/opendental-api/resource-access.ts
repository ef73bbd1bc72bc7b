import { ResourceReadability, ResourceType } from '../provider-adapter';
import { isResourceUnavailable, ProviderException, ProviderExceptionCode, resourceFailureCode } from '../provider.exception';
import { OpenDentalApiClient, QueryParams } from './http-client';
import { OpenDentalApiException } from './retry-policy';

/**
 * A 403 or 404 from one of a resource's list endpoints (`GET /patplans` answering 404 on an
 * API version without it, 403 when the developer's permissions leave it out) becomes
 * RESOURCE_FORBIDDEN / RESOURCE_NOT_FOUND, so the sync fails that resource alone. The message
 * names the request (method and path) and the status, never OpenDental's text. Other errors
 * are returned unchanged. Lookups of one row by id catch their own 404 first (resource-reads.ts).
 */
export function asResourceFailure(error: unknown): unknown {
  if (!(error instanceof OpenDentalApiException) || (error.vendorStatus !== 403 && error.vendorStatus !== 404)) return error;
  const what = error.request ?? 'a request';
  return error.vendorStatus === 403
    ? new ProviderException(ProviderExceptionCode.RESOURCE_FORBIDDEN, `OpenDental denied ${what} to this developer or customer key (403)`)
    : new ProviderException(ProviderExceptionCode.RESOURCE_NOT_FOUND, `OpenDental does not offer ${what} here (404)`);
}

/** The list requests (path and query) whose answer decides each resource's readability, a page of one row each. */
const PROBES: Partial<Record<ResourceType, Array<{ path: string; query: QueryParams }>>> = {
  patients: [{ path: '/patients/Simple', query: { Limit: 1 } }],
  providers: [{ path: '/providers', query: { Limit: 1 } }],
  locations: [{ path: '/operatories', query: { Limit: 1 } }],
  appointments: [{ path: '/appointments', query: { Limit: 1 } }],
  coverages: ['/patplans', '/inssubs', '/insplans', '/carriers'].map((path) => ({ path, query: { Limit: 1 } })),
};

/**
 * Probes each resource with the cheapest requests that read it (§1.5 list endpoints, `Limit=1`):
 * one per endpoint, nine at most, each through the per-key throttle. Documents are listed per
 * patient (`GET /documents?PatNum=`), so they are probed with the first patient the patients
 * probe returned, or reported `readable: null` when the office has none.
 * @throws ProviderException for failures other than a 403/404 of one endpoint (unreachable, throttled).
 */
export async function probeEndpoints(client: OpenDentalApiClient, resources: ResourceType[]): Promise<Partial<Record<ResourceType, ResourceReadability>>> {
  const out: Partial<Record<ResourceType, ResourceReadability>> = {};
  let firstPatNum: string | null = null;
  const attempt = async (path: string, query: QueryParams): Promise<{ verdict: ResourceReadability; rows: Array<Record<string, unknown>> }> => {
    try {
      return { verdict: { readable: true }, rows: await client.get<Array<Record<string, unknown>>>(path, query) };
    } catch (error) {
      const failure = asResourceFailure(error);
      if (!isResourceUnavailable(failure)) throw failure;
      return { verdict: { readable: false, code: resourceFailureCode(failure), message: failure.message }, rows: [] };
    }
  };
  for (const resource of resources) {
    if (resource === 'documents') continue;
    let verdict: ResourceReadability = { readable: true };
    for (const probe of PROBES[resource] ?? []) {
      const answer = await attempt(probe.path, probe.query);
      if (resource === 'patients' && Array.isArray(answer.rows) && answer.rows.length) firstPatNum = String(answer.rows[0].PatNum);
      verdict = answer.verdict;
      if (verdict.readable !== true) break;
    }
    out[resource] = verdict;
  }
  if (resources.includes('documents')) {
    out.documents = firstPatNum === null
      ? { readable: null, reason: "GET /documents lists one patient's documents, and no patient was readable to probe it with" }
      : (await attempt('/documents', { PatNum: firstPatNum })).verdict;
  }
  return out;
}
