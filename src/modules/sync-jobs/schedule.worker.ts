import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'node:os';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { JobName, QueueName, ScheduleJobData, ScheduleTickJobData } from '../../queue/queue.constants';
import { QueueWorker } from '../../queue/queue-worker';
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
 * The `schedules` BullMQ worker, started only when `APP_ROLE` is `all` or `worker`.
 * `schedule-tick`: starts an incremental sync of the integration (trigger `schedule`, system
 * actor); a tick while a sync is active, or for a disabled integration, is skipped: recorded
 * (audit `sync_schedule.tick`, details.outcome `skipped` with the reason), not an error. `health-check`: tests every
 * enabled integration and reconciles the sync schedulers with the table.
 * Safe to run twice: a repeated tick meets the active job (skipped) or starts one more incremental sync.
 */
@Injectable()
export class ScheduleWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleWorker.name);
  private readonly queueWorker = new QueueWorker<ScheduleJobData>(QueueName.SCHEDULES, this.logger);

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly syncJobs: SyncJobsService,
    private readonly integrations: IntegrationsService,
    private readonly health: IntegrationHealthService,
    private readonly schedules: SyncScheduleService,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    // Concurrency > 1: a long health check must not hold back the sync ticks. The name lands in
    // each job's `processedBy`, so one can see which process ran a tick.
    this.queueWorker.start(this.env, (job) => this.process(job), { concurrency: 4, name: `${hostname()}:${process.pid}` });
  }

  private healthCheckRunning = false;

  private async process(job: Job<ScheduleJobData>): Promise<unknown> {
    switch (job.name) {
      case JobName.SCHEDULE_TICK:
        return this.tick(job as Job<ScheduleTickJobData>);
      case JobName.HEALTH_CHECK: {
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
      default:
        throw new UnrecoverableError(`No processor for job name ${job.name}`);
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

  async beforeApplicationShutdown(): Promise<void> {
    await this.queueWorker.close();
  }
}
