import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { In, Repository } from 'typeorm';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { SyncJobData, syncBullJobId } from '../../queue/queue.constants';
import { SYNC_QUEUE } from '../../queue/queue.module';
import { SyncJob } from './sync-job.entity';
import { SyncJobsService } from './sync-jobs.service';

/** How often a worker node compares Postgres with BullMQ. */
export const RECONCILE_INTERVAL_MS = 60_000;
/** Jobs examined per pass (oldest first); the rest wait for the next minute. */
const BATCH = 500;

/**
 * Heals the queue after Redis lost its state (a restart without persistence, a failover to an
 * empty replica): Postgres is the record of which sync jobs are `queued` or `running`; BullMQ is
 * only the delivery. On start and every minute, on worker nodes, each such job whose BullMQ job
 * no longer exists is enqueued again under its deterministic job id (so two nodes reconciling at
 * once add it once, and a job already back in the queue is left alone). A `running` job is
 * re-enqueued only when its row has not moved for two lock durations: a live worker commits a
 * batch (and `updated_at`) far more often, so a job still being worked on is never started twice.
 * The re-run resumes from the last committed checkpoint.
 */
@Injectable()
export class SyncQueueReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncQueueReconciler.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @Inject(SYNC_QUEUE) private readonly queue: Queue<SyncJobData>,
    private readonly syncJobs: SyncJobsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.appRole === 'api') return;
    const tick = () => {
      if (this.running) return;
      this.running = this.reconcile()
        .catch((error: Error) => this.logger.warn({ errorClass: error.name }, 'queue reconciliation failed; retrying next interval'))
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * One pass.
   * @returns the ids of the sync jobs enqueued again.
   */
  async reconcile(now = new Date()): Promise<string[]> {
    const candidates = await this.jobs.find({
      where: { status: In(['queued', 'running']) },
      select: { id: true, status: true, updatedAt: true },
      order: { createdAt: 'ASC' },
      take: BATCH,
    });
    const staleBefore = now.getTime() - 2 * this.env.syncLockDurationMs;
    const requeued: string[] = [];
    for (const job of candidates) {
      if (job.status === 'running' && job.updatedAt.getTime() > staleBefore) continue;
      if (await this.queue.getJob(syncBullJobId(job.id))) continue;
      await this.syncJobs.requeue(job.id);
      requeued.push(job.id);
    }
    if (requeued.length) this.logger.warn({ count: requeued.length }, 'sync jobs missing from the queue were enqueued again');
    return requeued;
  }
}
