import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../modules/organizations/auth.context';
import { NexApiErrorFilter } from './envelope';
import { NexHealthAdminGate, NexHealthGate } from './gate.guard';
import { NEXHEALTH_SANDBOX_PREFIX } from './sandbox-options';

/**
 * A controller of the simulated NexHealth API under `/sandbox/nexhealth/<path>`: kept out of
 * the hub's OpenAPI document, outside the hub's API-key guard (NexHealth's own token check runs
 * in {@link NexHealthGate}), answering errors in NexHealth's envelope.
 */
export function NexHealthEndpoint(path = ''): ClassDecorator {
  return applyDecorators(
    ApiExcludeController(), Public(), UseGuards(NexHealthGate), UseFilters(NexApiErrorFilter),
    Controller(`${NEXHEALTH_SANDBOX_PREFIX.slice(1)}${path ? `/${path}` : ''}`),
  );
}

/** A sandbox admin controller under `/sandbox/nexhealth/_admin` (see {@link NexHealthAdminGate}). */
export function NexHealthAdminEndpoint(): ClassDecorator {
  return applyDecorators(
    ApiExcludeController(), Public(), UseGuards(NexHealthAdminGate), UseFilters(NexApiErrorFilter),
    Controller(`${NEXHEALTH_SANDBOX_PREFIX.slice(1)}/_admin`),
  );
}
