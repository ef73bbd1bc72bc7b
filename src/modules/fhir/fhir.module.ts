import { Module } from '@nestjs/common';
import { FhirController } from './fhir.controller';
import { FhirStoreService } from './fhir-store.service';

/** The FHIR R4 read API over the store (/fhir/R4), see docs/fhir-api.md. */
@Module({
  controllers: [FhirController],
  providers: [FhirStoreService],
})
export class FhirModule {}
