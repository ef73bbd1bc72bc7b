import { Module } from '@nestjs/common';
import { OpenDentalApiAdapter } from './opendental-api.adapter';

/**
 * OpenDental by REST API: exports only its adapter. It needs the global `REDIS` connection
 * (QueueModule) for the throttle shared by every worker; process-level settings may be given
 * under OPENDENTAL_API_ADAPTER_OPTIONS.
 */
@Module({ providers: [OpenDentalApiAdapter], exports: [OpenDentalApiAdapter] })
export class OpenDentalApiModule {}
