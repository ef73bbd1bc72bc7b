import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { In, Repository } from 'typeorm';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { SyncJobData, syncBullJobId } from '../../queue/queue.constants';
import { REDIS, SYNC_QUEUE } from '../../queue/queue.module';
import { SyncJob } from './sync-job.entity';
import { SyncJobsService } from './sync-jobs.service';
import { SyncScheduleService } from './sync-schedule.service';

/** How often a worker node compares Postgres with BullMQ. */
export const RECONCILE_INTERVAL_MS = 60_000;
/** After Redis comes back (a reconnect), the pass waits this long so the workers' own connections are back too. */
const AFTER_RECONNECT_MS = 1_000;
/** Jobs examined per pass (oldest first); the rest wait for the next minute. */
const BATCH = 500;

/**
 * Heals the queue after Redis lost its state (a restart without persistence, a failover to an
 * empty replica): Postgres is the record of which sync jobs are `queued` or `running`; BullMQ is
 * only the delivery. On start, every minute, and right after the node's Redis connection comes
 * back from a disconnect, on worker nodes, each such job whose BullMQ job no longer exists is
 * enqueued again under its deterministic job id (so two nodes reconciling at once add it once,
 * and a job already back in the queue is left alone). After a reconnect it first writes the
 * schedulers back (SyncScheduleService.restore).
 *
 * A `running` job is enqueued again at once, even while its first worker may still be running it
 * (its BullMQ lock vanished with Redis's state, so BullMQ cannot tell): the job's lease in
 * PostgreSQL (SyncJobLease) keeps the new delivery waiting until that run ends, after which it
 * finds the job finished and completes, or resumes it from the last committed checkpoint when the
 * first run died or failed (its own retry went to a Redis that no longer knew the job).
 */
@Injectable()
export class SyncQueueReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncQueueReconciler.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;
  /** Set when Redis came back from a disconnect: the next pass writes the schedulers back first. */
  private restorePending = false;

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @Inject(SYNC_QUEUE) private readonly queue: Queue<SyncJobData>,
    @Inject(REDIS) private readonly redis: IORedis,
    private readonly syncJobs: SyncJobsService,
    private readonly schedules: SyncScheduleService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.appRole === 'api') return;
    const tick = () => {
      if (this.running) return;
      // After a reconnect the schedulers (health check included) come first: they lived in that Redis too.
      const restoring = this.restorePending;
      this.restorePending = false;
      this.running = (restoring ? this.schedules.restore() : Promise.resolve()).then(() => this.reconcile())
        .catch((error: Error) => {
          if (restoring) this.restorePending = true;
          this.logger.warn({ errorClass: error.name }, 'queue reconciliation failed; retrying next interval');
        })
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, RECONCILE_INTERVAL_MS);
    this.timer.unref();
    // 'ready' after a disconnect: Redis may have come back empty, and every minute is too long to leave jobs stuck.
    let disconnected = false;
    this.redis.on('close', () => (disconnected = true));
    this.redis.on('ready', () => {
      if (!disconnected) return;
      disconnected = false;
      this.restorePending = true;
      setTimeout(tick, AFTER_RECONNECT_MS).unref();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * One pass.
   * @returns the ids of the sync jobs enqueued again.
   */
  async reconcile(): Promise<string[]> {
    const candidates = await this.jobs.find({
      where: { status: In(['queued', 'running']) },
      select: { id: true, status: true },
      order: { createdAt: 'ASC' },
      take: BATCH,
    });
    const requeued: string[] = [];
    for (const job of candidates) {
      if (await this.queue.getJob(syncBullJobId(job.id))) continue;
      await this.syncJobs.requeue(job.id);
      requeued.push(job.id);
    }
    if (requeued.length) this.logger.warn({ count: requeued.length }, 'sync jobs missing from the queue were enqueued again');
    return requeued;
  }
}
