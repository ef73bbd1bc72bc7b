import { ResourceReadability, ResourceType } from '../provider-adapter';
import { isResourceUnavailable, ProviderException, ProviderExceptionCode, resourceFailureCode } from '../provider.exception';
import { NexHealthClient, NexHealthRefusal, QueryParams } from './http-client';
import { NexHealthConfig } from './nexhealth.config';

const DAY = 86_400_000;

/**
 * A 403 or 404 that NexHealth answers during a read (the API key's role lacks an endpoint, or the
 * endpoint is missing for this institution) becomes RESOURCE_FORBIDDEN / RESOURCE_NOT_FOUND, so
 * the sync fails that resource alone. The message names the method and path (ids masked) and
 * the status, never NexHealth's text. Other errors are returned unchanged.
 */
export function asResourceFailure(error: unknown): unknown {
  if (!(error instanceof NexHealthRefusal)) return error;
  const what = error.request.replace(/\/\d+(?=\/|$)/g, '/{id}');
  return error.vendorStatus === 403
    ? new ProviderException(ProviderExceptionCode.RESOURCE_FORBIDDEN, `NexHealth denied this API key ${what} (403)`)
    : new ProviderException(ProviderExceptionCode.RESOURCE_NOT_FOUND, `NexHealth does not offer ${what} here (404)`);
}

/** The cheapest request that reads each resource (§3 endpoints, `per_page=1`); documents are probed through the first patient. */
function probes(config: NexHealthConfig): Partial<Record<ResourceType, { path: string; query: QueryParams }>> {
  const location = { subdomain: config.subdomain, location_id: config.locationId, per_page: 1 };
  const now = new Date().toISOString();
  return {
    patients: { path: '/patients', query: location },
    providers: { path: '/providers', query: location },
    locations: { path: '/operatories', query: location },
    appointments: { path: '/appointments', query: { ...location, start: now, end: new Date(Date.now() + DAY).toISOString() } },
    coverages: { path: '/insurance_coverages', query: { subdomain: config.subdomain, per_page: 1 } },
    balances: { path: '/guarantor_balances', query: { ...location, updated_since: now } },
  };
}

/**
 * Probes each resource with one request (seven at most, under the shared rate limits). Documents
 * have no list of their own (`GET /patients/{id}/documents`), so they are probed with the first
 * patient the patients probe returned, or reported `readable: null` when there is none.
 * @throws ProviderException for failures other than a 403/404 (unreachable, rate-limited after retries, refused key).
 */
export async function probeEndpoints(client: NexHealthClient, config: NexHealthConfig, resources: ResourceType[]): Promise<Partial<Record<ResourceType, ResourceReadability>>> {
  const out: Partial<Record<ResourceType, ResourceReadability>> = {};
  let firstPatientId: string | null = null;
  const attempt = async (path: string, query: QueryParams): Promise<{ verdict: ResourceReadability; rows: unknown }> => {
    try {
      return { verdict: { readable: true }, rows: (await client.get<unknown>(path, query)).body.data };
    } catch (error) {
      const failure = asResourceFailure(error);
      if (!isResourceUnavailable(failure)) throw failure;
      return { verdict: { readable: false, code: resourceFailureCode(failure), message: failure.message }, rows: null };
    }
  };
  const table = probes(config);
  for (const resource of resources) {
    const probe = table[resource];
    if (!probe) continue;
    const answer = await attempt(probe.path, probe.query);
    if (resource === 'patients' && Array.isArray(answer.rows) && answer.rows.length) firstPatientId = String((answer.rows[0] as { id?: unknown }).id);
    out[resource] = answer.verdict;
  }
  if (resources.includes('documents')) {
    out.documents = firstPatientId === null
      ? { readable: null, reason: "GET /patients/{id}/documents lists one patient's documents, and no patient was readable to probe it with" }
      : (await attempt(`/patients/${firstPatientId}/documents`, { subdomain: config.subdomain })).verdict;
  }
  return out;
}
