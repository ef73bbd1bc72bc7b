import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import {
  HEALTH_CHECK_SCHEDULER_ID, JobName, ScheduleJobData, SYNC_SCHEDULE_PREFIX, syncScheduleId,
} from '../../queue/queue.constants';
import { SCHEDULES_QUEUE } from '../../queue/queue.module';
import { Integration } from '../integrations/integration.entity';
import { IntegrationsService } from '../integrations/integrations.service';

/** Cron patterns are evaluated in UTC so every process computes the same tick times whatever its local zone. */
export const SCHEDULE_TIME_ZONE = 'UTC';

/** Tick jobs are tiny and carry only an integration id; keep a short history for inspection. */
const TICK_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 200 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Keeps the BullMQ job schedulers of the `schedules` queue in step with the `integrations` table:
 * one scheduler `sync-schedule-<integrationId>` per enabled integration with a `syncSchedule`,
 * plus the deployment-wide health check every `HEALTH_CHECK_INTERVAL_SECONDS`.
 *
 * Schedulers live in Redis, so they survive restarts, and each tick becomes one job with a
 * deterministic id (`repeat:<schedulerId>:<millis>`), so a tick runs once however many workers
 * listen. This service only writes schedulers (it runs in every role, API nodes included, since
 * changes arrive there); {@link ScheduleWorker} processes the ticks on worker nodes.
 * Reconciled at start-up, after each integration change, on every health-check run, and on worker
 * nodes after Redis came back from a disconnect (SyncQueueReconciler).
 */
@Injectable()
export class SyncScheduleService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(SyncScheduleService.name);

  constructor(
    @Inject(SCHEDULES_QUEUE) private readonly queue: Queue<ScheduleJobData>,
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly integrations: IntegrationsService,
  ) {}

  onModuleInit(): void {
    this.integrations.onChange((change) => this.syncOne(change.integrationId));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.restore();
  }

  /**
   * Writes every scheduler the table wants (the health check and each sync schedule) when it is
   * missing or differs: at start-up, and after Redis came back from a disconnect (it may have lost
   * them all, the health check included, which would otherwise never run again to reconcile them).
   */
  async restore(): Promise<void> {
    await this.upsertHealthCheck();
    await this.reconcileAll();
  }

  /**
   * Makes the scheduler of one integration match its row: upserted when it is enabled and has a
   * schedule, removed otherwise (also when the row is gone).
   */
  async syncOne(integrationId: string): Promise<void> {
    const integration = await this.integrations.findForSystem(integrationId);
    if (integration?.enabled && integration.syncSchedule) await this.upsert(integration);
    else await this.queue.removeJobScheduler(syncScheduleId(integrationId));
  }

  /**
   * Makes all sync schedulers match the table: upserts the wanted ones whose pattern differs or
   * that are missing, removes schedulers of integrations that are gone, disabled or unscheduled.
   * @returns counts of upserted and removed schedulers.
   */
  async reconcileAll(): Promise<{ upserted: number; removed: number }> {
    const wanted = new Map<string, Integration>();
    for (const integration of await this.integrations.listEnabledForSystem()) {
      if (integration.syncSchedule) wanted.set(syncScheduleId(integration.id), integration);
    }
    const existing = (await this.queue.getJobSchedulers(0, -1)).filter((s) => s.key.startsWith(SYNC_SCHEDULE_PREFIX));
    const current = new Map(existing.map((s) => [s.key, s]));
    let upserted = 0;
    let removed = 0;
    for (const [id, integration] of wanted) {
      const scheduler = current.get(id);
      // Same pattern: leave it alone, so processes starting together do not reset each other's next tick.
      if (scheduler && scheduler.pattern === integration.syncSchedule && scheduler.tz === SCHEDULE_TIME_ZONE) continue;
      await this.upsert(integration);
      upserted += 1;
    }
    for (const scheduler of existing) {
      if (wanted.has(scheduler.key)) continue;
      await this.queue.removeJobScheduler(scheduler.key);
      removed += 1;
    }
    if (upserted || removed) this.logger.log({ upserted, removed }, 'sync schedules reconciled');
    return { upserted, removed };
  }

  private async upsert(integration: Integration): Promise<void> {
    try {
      await this.queue.upsertJobScheduler(
        syncScheduleId(integration.id),
        { pattern: integration.syncSchedule as string, tz: SCHEDULE_TIME_ZONE },
        { name: JobName.SCHEDULE_TICK, data: { integrationId: integration.id }, opts: TICK_JOB_OPTIONS },
      );
    } catch (error) {
      // A pattern `cron` accepted but BullMQ's parser refuses: keep the others running.
      this.logger.error({ integrationId: integration.id, errorClass: (error as Error)?.name }, 'sync schedule could not be set');
    }
  }

  /** The deployment-wide health check; re-upserting with the same interval keeps its next run. */
  private async upsertHealthCheck(): Promise<void> {
    const every = this.env.healthCheckIntervalSeconds * 1000;
    const existing = await this.queue.getJobScheduler(HEALTH_CHECK_SCHEDULER_ID);
    if (existing && Number(existing.every) === every) return;
    await this.queue.upsertJobScheduler(HEALTH_CHECK_SCHEDULER_ID, { every }, {
      name: JobName.HEALTH_CHECK, data: {}, opts: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { age: 7 * 24 * 3600 } },
    });
  }
}
