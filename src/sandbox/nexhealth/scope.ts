import { NexApiError } from './envelope';
import { Institution } from './institution';
import { optInt, param, Query } from './params';

/**
 * The institution and location a request is scoped to (§3 "Scoping"): `subdomain` names the
 * institution (missing → 400 when required, unknown → 403), `location_id` a location of it
 * (missing → 400 when required, unknown → 404).
 */
export function scope(institution: Institution, q: Query, location: 'required' | 'optional' | 'none', subdomain: 'required' | 'optional' = 'required'): { institution: Institution; locationId?: number } {
  const name = param(q, 'subdomain');
  if (name === undefined && subdomain === 'required') throw NexApiError.badRequest('subdomain is missing');
  if (name !== undefined && name !== institution.subdomain) throw new NexApiError(403, 'You do not have access to this institution');
  if (location === 'none') return { institution };
  const locationId = optInt(q, 'location_id');
  if (locationId === undefined) {
    if (location === 'required') throw NexApiError.badRequest('location_id is missing');
    return { institution };
  }
  if (!institution.locations.has(locationId)) throw NexApiError.notFound('Location');
  return { institution, locationId };
}
