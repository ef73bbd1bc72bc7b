import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { AuditModule } from '../audit/audit.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ConflictPoliciesService } from './conflict-policies.service';
import { ConflictResolutionProcessor } from './conflict-resolution.processor';
import { ConflictResolver } from './conflict-resolver';
import { ConflictWriteBack } from './conflict-write-back';
import { ConflictsController } from './conflicts.controller';
import { ConflictsService } from './conflicts.service';
import { LocalEditPush } from './local-edit-push';

/**
 * Conflicts between local edits and sources, and between linked sources of one person
 * (docs/conflicts.md): detection runs inside the record writer's bulk write (conflict-detection.ts)
 * and after the person linker (cross-source-detection.ts); this module holds the policies, the API,
 * the resolver and the `conflict-resolution` queue's processor, whose {@link ConflictResolutionProcessor.schedule}
 * the sync runner calls when a job ends, and {@link LocalEditPush}, the outbound half of a sync job.
 */
@Module({
  imports: [AuditModule, IntegrationsModule, ActionsModule],
  controllers: [ConflictsController],
  providers: [ConflictsService, ConflictPoliciesService, ConflictResolver, ConflictWriteBack, ConflictResolutionProcessor, LocalEditPush],
  exports: [ConflictResolutionProcessor, LocalEditPush, ConflictPoliciesService, ConflictsService],
})
export class ConflictsModule {}
