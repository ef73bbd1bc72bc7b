import { Inject, Injectable, Module, Optional, Type } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { REDIS } from '../../queue/queue.module';
import type { ProviderAdapter } from '../provider-adapter';
import type { FhirVendorProfile } from './profile';
import { FHIR_ADAPTER_OPTIONS, FhirAdapterOptions, FhirProfileAdapter } from './profile-adapter';

/** A FHIR vendor's Nest module (exporting only its adapter) and adapter class. */
export interface FhirVendorRegistration {
  module: Type<unknown>;
  adapter: Type<ProviderAdapter>;
}

function pascal(id: string): string {
  return id.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/**
 * The module and adapter of one EHR profile: a {@link FhirProfileAdapter} over `profile`, with the
 * global `REDIS`, `APP_ENV` and the optional FHIR adapter options injected. A vendor folder is its
 * profile data plus this one call (docs/adding-a-vendor.md).
 */
export function fhirProfileVendor(profile: FhirVendorProfile): FhirVendorRegistration {
  @Injectable()
  class ProfileAdapter extends FhirProfileAdapter {
    constructor(@Inject(REDIS) redis: IORedis, @Inject(APP_ENV) env: Pick<AppEnv, 'encryptionKey'>, @Optional() @Inject(FHIR_ADAPTER_OPTIONS) options?: Partial<FhirAdapterOptions>) {
      super(profile, redis, env, options);
    }
  }
  @Module({ providers: [ProfileAdapter], exports: [ProfileAdapter] })
  class ProfileModule {}
  Object.defineProperty(ProfileAdapter, 'name', { value: `${pascal(profile.id)}Adapter` });
  Object.defineProperty(ProfileModule, 'name', { value: `${pascal(profile.id)}Module` });
  return { module: ProfileModule, adapter: ProfileAdapter };
}
