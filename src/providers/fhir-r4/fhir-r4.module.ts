import { Module } from '@nestjs/common';
import { FhirR4Adapter } from './fhir-r4.adapter';

/**
 * Generic FHIR R4 (SMART Backend Services): exports only its adapter. Needs the global `REDIS`
 * (QueueModule) for the shared token cache and `APP_ENV` for its encryption key; process-level
 * settings may be given under FHIR_ADAPTER_OPTIONS (providers/fhir/profile-adapter.ts).
 */
@Module({ providers: [FhirR4Adapter], exports: [FhirR4Adapter] })
export class FhirR4Module {}
