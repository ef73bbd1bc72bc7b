import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { RecordsModule } from '../records/records.module';
import { SyncJob, SyncJobError } from './sync-job.entity';
import { SyncJobsController } from './sync-jobs.controller';
import { SyncJobsService } from './sync-jobs.service';
import { SyncRunnerService } from './sync-runner.service';
import { SyncStatisticsService } from './sync-statistics.service';
import { ScheduleWorker } from './schedule.worker';
import { SyncQueueReconciler } from './sync-queue-reconciler';
import { SyncScheduleService } from './sync-schedule.service';
import { SyncWorker } from './sync.worker';
import { ConflictsModule } from '../conflicts/conflicts.module';

/**
 * Sync jobs: the API, the runner, the `sync-jobs` worker, and the cron schedules and health checks
 * (`schedules` queue); workers are idle on API-only nodes. Vendor-neutral.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SyncJob, SyncJobError]), IntegrationsModule, AuditModule, RecordsModule, ConflictsModule],
  controllers: [SyncJobsController],
  providers: [SyncJobsService, SyncRunnerService, SyncStatisticsService, SyncWorker, SyncScheduleService, ScheduleWorker, SyncQueueReconciler],
  exports: [SyncJobsService],
})
export class SyncJobsModule {}
