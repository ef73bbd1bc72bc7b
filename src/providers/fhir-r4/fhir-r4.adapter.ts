import { Inject, Injectable, Optional } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { REDIS } from '../../queue/queue.module';
import { FHIR_ADAPTER_OPTIONS, FhirAdapterOptions, FhirProfileAdapter } from '../fhir/profile-adapter';
import { FHIR_R4_PROFILE } from './fhir-r4.profile';

/** The FHIR adapters' options token (kept under its first name). */
export const FHIR_R4_ADAPTER_OPTIONS = FHIR_ADAPTER_OPTIONS;

/** Process-level settings of the FHIR adapters. */
export type FhirR4AdapterOptions = FhirAdapterOptions;

/**
 * Adapter of vendor `fhir-r4`: any FHIR R4 server with SMART Backend Services, through the
 * shared client in providers/fhir (docs/vendors/fhir-r4.md). Reads Practitioner, Location,
 * Patient, Coverage, Appointment and DocumentReference by paged search, incrementally by
 * `_lastUpdated` (search-reader.ts).
 */
@Injectable()
export class FhirR4Adapter extends FhirProfileAdapter {
  constructor(@Inject(REDIS) redis: IORedis, @Inject(APP_ENV) env: Pick<AppEnv, 'encryptionKey'>, @Optional() @Inject(FHIR_R4_ADAPTER_OPTIONS) options?: Partial<FhirAdapterOptions>) {
    super(FHIR_R4_PROFILE, redis, env, options);
  }
}
