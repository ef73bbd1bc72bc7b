import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { RecordsModule } from '../records/records.module';
import { TransformationRunsService } from './transformation-runs.service';
import { TransformationPreviewService } from './transformation-preview.service';
import { FieldMappingsController } from './field-mappings.controller';
import { FieldMappingsService } from './field-mappings.service';
import { TransformationRulesController } from './transformation-rules.controller';
import { TransformationRulesService } from './transformation-rules.service';

/** Transformation rules per integration (docs/transformations.md); the sync applies them via loadRecordTransformer. */
@Module({
  imports: [IntegrationsModule, RecordsModule],
  controllers: [TransformationRulesController, FieldMappingsController],
  providers: [TransformationRulesService, FieldMappingsService, TransformationPreviewService, TransformationRunsService],
})
export class TransformationsModule {}
