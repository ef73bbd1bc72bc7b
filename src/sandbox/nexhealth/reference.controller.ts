import { Get, Query } from '@nestjs/common';
import { NexHealthEndpoint } from './endpoint.decorator';
import { NexEnvelope, ok } from './envelope';
import { operatoryJson, providerJson } from './json';
import { cursorPage, updatedSince } from './paging';
import { intArray, optBool, optDateTime, param, Query as Q, stringArray } from './params';
import { NexHealthSandbox } from './sandbox-control.service';
import { scope } from './scope';

/** Simulated `/providers` (§3, [NEX-OAS] getProviders). */
@NexHealthEndpoint('providers')
export class NexProvidersController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /**
   * GET /providers: `subdomain` required; `location_id`, `foreign_id`, `inactive` (default
   * false: only active providers), `updated_since`, `ids[]`, `include[]` (default `locations`); cursor paging.
   */
  @Get()
  list(@Query() q: Q): NexEnvelope<Array<Record<string, unknown>>> {
    const { institution, locationId } = scope(this.sandbox.institution, q, 'optional');
    const inactive = optBool(q, 'inactive') ?? false;
    const foreignId = param(q, 'foreign_id');
    const ids = intArray(q, 'ids');
    const includes = stringArray(q, 'include') ?? ['locations'];
    let rows = [...institution.providers.values()].filter((p) => p.inactive === inactive
      && (locationId === undefined || p.location_ids.includes(locationId))
      && (foreignId === undefined || p.foreign_id === foreignId)
      && (!ids || ids.includes(p.id)));
    rows = updatedSince(rows, optDateTime(q, 'updated_since'));
    const page = cursorPage(rows, q);
    return ok(page.data.map((p) => providerJson(p, institution, includes)), 'Success', { page_info: page.page_info });
  }
}

/** Simulated `/operatories` (§3, [NEX-OAS] getOperatories). */
@NexHealthEndpoint('operatories')
export class NexOperatoriesController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /** GET /operatories: `subdomain` and `location_id` required; `search_name`, `foreign_id`, `updated_since`; cursor paging. */
  @Get()
  list(@Query() q: Q): NexEnvelope<Array<Record<string, unknown>>> {
    const { institution, locationId } = scope(this.sandbox.institution, q, 'required');
    const search = param(q, 'search_name')?.toLowerCase();
    const foreignId = param(q, 'foreign_id');
    const includes = stringArray(q, 'include') ?? [];
    let rows = [...institution.operatories.values()].filter((o) => o.location_id === locationId
      && (search === undefined || o.name.toLowerCase().includes(search) || (o.display_name ?? '').toLowerCase().includes(search))
      && (foreignId === undefined || o.foreign_id === foreignId));
    rows = updatedSince(rows, optDateTime(q, 'updated_since'));
    const page = cursorPage(rows, q);
    return ok(page.data.map((o) => operatoryJson(o, includes)), 'Success', { page_info: page.page_info });
  }
}

/** Simulated `/locations` (§3, [NEX-OAS] getLocations): institutions with their locations, not paged. */
@NexHealthEndpoint('locations')
export class NexLocationsController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  /** GET /locations: optional `subdomain`, `inactive`, `foreign_id`; `data` = [{ id, name, subdomain, locations[] }], `count` = 1. */
  @Get()
  list(@Query() q: Q): NexEnvelope<Array<Record<string, unknown>>> {
    const { institution } = scope(this.sandbox.institution, q, 'none', 'optional');
    const inactive = optBool(q, 'inactive');
    const foreignId = param(q, 'foreign_id');
    const locations = [...institution.locations.values()]
      .filter((l) => (inactive === undefined || l.inactive === inactive) && (foreignId === undefined || l.foreign_id === foreignId))
      .map((l) => ({ ...l, specialty: { ...l.specialty } }));
    return ok([{ id: institution.id, name: institution.name, subdomain: institution.subdomain, locations }], 'Success', { count: 1 });
  }
}
