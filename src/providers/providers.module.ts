import { Global, Module } from '@nestjs/common';
import { OpenDentalDbAdapter } from './opendental-db/opendental-db.adapter';
import { OpenDentalDbModule } from './opendental-db/opendental-db.module';
import { OpenDentalApiAdapter } from './opendental-api/opendental-api.adapter';
import { OpenDentalApiModule } from './opendental-api/opendental-api.module';
import { NexHealthAdapter } from './nexhealth/nexhealth.adapter';
import { NexHealthModule } from './nexhealth/nexhealth.module';
import { FhirR4Adapter } from './fhir-r4/fhir-r4.adapter';
import { FhirR4Module } from './fhir-r4/fhir-r4.module';
import { ProviderAdapter } from './provider-adapter';
import { PROVIDER_ADAPTERS, ProviderRegistryService } from './provider-registry.service';

/**
 * Gathers every vendor module's adapter into one list under {@link PROVIDER_ADAPTERS}.
 * Adding a vendor: write its module exporting its adapter, import it here, add it to `inject`.
 */
@Global()
@Module({
  imports: [OpenDentalDbModule, OpenDentalApiModule, NexHealthModule, FhirR4Module],
  providers: [
    {
      provide: PROVIDER_ADAPTERS,
      inject: [OpenDentalDbAdapter, OpenDentalApiAdapter, NexHealthAdapter, FhirR4Adapter],
      useFactory: (...adapters: ProviderAdapter[]): ProviderAdapter[] => adapters,
    },
    ProviderRegistryService,
  ],
  exports: [ProviderRegistryService],
})
export class ProvidersModule {}
