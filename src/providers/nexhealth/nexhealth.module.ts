import { Module } from '@nestjs/common';
import { NexHealthAdapter } from './nexhealth.adapter';

/**
 * NexHealth Synchronizer API: exports only its adapter. It needs the global `REDIS` connection
 * (QueueModule) for the rate limits shared by every worker; process-level settings may be
 * given under NEXHEALTH_ADAPTER_OPTIONS.
 */
@Module({ providers: [NexHealthAdapter], exports: [NexHealthAdapter] })
export class NexHealthModule {}
