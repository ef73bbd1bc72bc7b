import { Global, Module, Type } from '@nestjs/common';
import { NexHealthAdapter } from './nexhealth/nexhealth.adapter';
import { NexHealthModule } from './nexhealth/nexhealth.module';
import { FhirR4Adapter } from './fhir-r4/fhir-r4.adapter';
import { FhirR4Module } from './fhir-r4/fhir-r4.module';
import { OpenDentalApiAdapter } from './opendental-api/opendental-api.adapter';
import { OpenDentalApiModule } from './opendental-api/opendental-api.module';
import { OpenDentalDbAdapter } from './opendental-db/opendental-db.adapter';
import { OpenDentalDbModule } from './opendental-db/opendental-db.module';
import { ProviderAdapter } from './provider-adapter';
import { ATHENAHEALTH_VENDOR } from './athenahealth';
import { ECLINICALWORKS_VENDOR } from './eclinicalworks';
import { EPIC_VENDOR } from './epic';
import { MEDITECH_VENDOR } from './meditech';
import { NEXTGEN_VENDOR } from './nextgen';
import { ORACLE_HEALTH_VENDOR } from './oracle-health';
import { VERADIGM_VENDOR } from './veradigm';
import { PROVIDER_ADAPTERS, ProviderRegistryService } from './provider-registry.service';

/** A vendor: its Nest module and the adapter class that module exports. */
interface VendorRegistration {
  module: Type<unknown>;
  adapter: Type<ProviderAdapter>;
}

/**
 * Every vendor, in catalog order. Adding a vendor is one line here (and its imports): see
 * docs/adding-a-vendor.md.
 */
const VENDORS: VendorRegistration[] = [
  { module: OpenDentalDbModule, adapter: OpenDentalDbAdapter },
  { module: OpenDentalApiModule, adapter: OpenDentalApiAdapter },
  { module: NexHealthModule, adapter: NexHealthAdapter },
  { module: FhirR4Module, adapter: FhirR4Adapter },
  // The seven EHRs: profiles (data) over the FHIR R4 adapter (providers/fhir/profile.ts).
  EPIC_VENDOR, ORACLE_HEALTH_VENDOR, ATHENAHEALTH_VENDOR, ECLINICALWORKS_VENDOR, NEXTGEN_VENDOR, MEDITECH_VENDOR, VERADIGM_VENDOR,
];

/** Gathers every vendor module's adapter into one list under {@link PROVIDER_ADAPTERS}. */
@Global()
@Module({
  imports: VENDORS.map((v) => v.module),
  providers: [
    {
      provide: PROVIDER_ADAPTERS,
      inject: VENDORS.map((v) => v.adapter),
      useFactory: (...adapters: ProviderAdapter[]): ProviderAdapter[] => adapters,
    },
    ProviderRegistryService,
  ],
  exports: [ProviderRegistryService],
})
export class ProvidersModule {}
