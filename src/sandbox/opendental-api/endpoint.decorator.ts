import { applyDecorators, CallHandler, Controller, ExecutionContext, Injectable, NestInterceptor, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { from, Observable, switchMap } from 'rxjs';
import { Public } from '../../modules/organizations/auth.context';
import { OdApiErrorFilter } from './api-error';
import { OpenDentalApiGate } from './gate.guard';
import { SANDBOX_API_PREFIX } from './sandbox-options';

/** Holds a handled request's answer back when the gate found a `holdResponseMs` fault for it. */
@Injectable()
export class HoldResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const holdMs = context.switchToHttp().getRequest<{ odApiHoldMs?: number }>().odApiHoldMs ?? 0;
    if (holdMs <= 0) return next.handle();
    return next.handle().pipe(switchMap((value) => from(new Promise((resolve) => setTimeout(() => resolve(value), holdMs)))));
  }
}

/**
 * A controller of the simulated OpenDental API under `/sandbox/opendental/api/v1/<resource>`:
 * kept out of the hub's OpenAPI document, outside the hub's API-key guard (OpenDental's own
 * ODFHIR check runs in {@link OpenDentalApiGate}), with OpenDental-style error bodies.
 */
export function OpenDentalApiEndpoint(resource: string): ClassDecorator {
  return applyDecorators(
    ApiExcludeController(), Public(), UseGuards(OpenDentalApiGate), UseFilters(OdApiErrorFilter), UseInterceptors(HoldResponseInterceptor),
    Controller(`${SANDBOX_API_PREFIX.slice(1)}/${resource}`),
  );
}
