import { Module } from '@nestjs/common';
import { IntegrationsModule } from '../integrations/integrations.module';
import { TransformationPreviewService } from './transformation-preview.service';
import { TransformationRulesController } from './transformation-rules.controller';
import { TransformationRulesService } from './transformation-rules.service';

/** Transformation rules per integration (docs/transformations.md); the sync applies them via loadRecordTransformer. */
@Module({
  imports: [IntegrationsModule],
  controllers: [TransformationRulesController],
  providers: [TransformationRulesService, TransformationPreviewService],
})
export class TransformationsModule {}
