import { Injectable, OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import { Job } from 'bullmq';
import { JobProcessors } from '../../queue/job-processors';
import { HealthCheckJobData, JobName, QueueName, ScheduleTickJobData } from '../../queue/queue.constants';
import { AuditService } from '../audit/audit.service';
import { IntegrationHealthService } from '../integrations/integration-health.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { SyncJobException, SyncJobExceptionCode } from './sync-job.exception';
import { SyncJobsService } from './sync-jobs.service';
import { SyncScheduleService } from './sync-schedule.service';

/** What a tick did; stored as the BullMQ job's return value (ids and codes only). */
export type TickOutcome =
  | { outcome: 'enqueued'; syncJobId: string; tickAt: string }
  | { outcome: 'skipped'; reason: string; tickAt: string };

/** A tick's planned time: BullMQ names scheduler jobs `repeat:<schedulerId>:<millis>`. */
export function tickTime(job: Pick<Job, 'id' | 'timestamp'>): string {
  const millis = Number(job.id?.split(':').pop());
  return new Date(Number.isFinite(millis) && millis > 0 ? millis : job.timestamp).toISOString();
}

/** A tick is skipped, not failed, when the integration is busy or was disabled since it was planned. */
const SKIP_CODES: string[] = [SyncJobExceptionCode.ALREADY_SYNCING, SyncJobExceptionCode.INTEGRATION_DISABLED];

/**
 * Processors of the `schedules` queue (see JobProcessors; taken only when `APP_ROLE` is `all` or `worker`).
 * `schedule-tick`: starts an incremental sync of the integration (trigger `schedule`, system
 * actor); a tick while a sync is active, or for a disabled integration, is skipped: recorded
 * (audit `sync_schedule.tick`, details.outcome `skipped` with the reason), not an error. `health-check`: tests every
 * enabled integration and reconciles the sync schedulers with the table.
 * Safe to run twice: a repeated tick meets the active job (skipped) or starts one more incremental sync.
 */
@Injectable()
export class ScheduleWorker implements OnModuleInit {
  constructor(
    private readonly processors: JobProcessors,
    private readonly syncJobs: SyncJobsService,
    private readonly integrations: IntegrationsService,
    private readonly health: IntegrationHealthService,
    private readonly schedules: SyncScheduleService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // Concurrency > 1: a long health check must not hold back the sync ticks. The name lands in
    // each job's `processedBy`, so one can see which process ran a tick.
    this.processors.configure(QueueName.SCHEDULES, { concurrency: 4, name: `${hostname()}:${process.pid}` });
    this.processors.register<ScheduleTickJobData>(JobName.SCHEDULE_TICK, (job) => this.tick(job));
    this.processors.register<HealthCheckJobData>(JobName.HEALTH_CHECK, () => this.healthCheck());
  }

  private healthCheckRunning = false;

  private async healthCheck(): Promise<Record<string, unknown>> {
    // Staleness needs no vendor call: stored at every tick, even while a slow pass is still running.
    const staleChanged = await this.health.refreshStaleness();
    // One pass at a time per process: overlapping passes would fill every worker slot and starve sync ticks.
    if (this.healthCheckRunning) return { staleChanged, skipped: 'a health check is already running in this process' };
    this.healthCheckRunning = true;
    try {
      const checked = await this.health.checkAllForSystem();
      const reconciled = await this.schedules.reconcileAll();
      return { staleChanged, ...checked, ...reconciled };
    } finally {
      this.healthCheckRunning = false;
    }
  }

  private async tick(job: Job<ScheduleTickJobData>): Promise<TickOutcome | { outcome: 'dropped' }> {
    const { integrationId } = job.data;
    const tickAt = tickTime(job);
    const integration = await this.integrations.findForSystem(integrationId);
    if (!integration) {
      // Deleted while the tick was planned: drop the leftover scheduler (nothing to audit against).
      await this.schedules.syncOne(integrationId);
      return { outcome: 'dropped' };
    }
    let result: TickOutcome;
    try {
      const created = await this.syncJobs.create(
        { integrationId, mode: 'incremental' }, { organizationId: integration.organizationId, actorId: 'system' }, 'schedule',
      );
      result = { outcome: 'enqueued', syncJobId: created.id, tickAt };
    } catch (error) {
      if (!(error instanceof SyncJobException) || !SKIP_CODES.includes(error.code)) throw error;
      result = { outcome: 'skipped', reason: error.code, tickAt };
      if (error.code === SyncJobExceptionCode.INTEGRATION_DISABLED) await this.schedules.syncOne(integrationId);
    }
    await this.audit.record({
      organizationId: integration.organizationId, actorType: 'system', action: 'sync_schedule.tick',
      targetType: 'integration', targetId: integrationId, details: { ...result },
    });
    return result;
  }
}
