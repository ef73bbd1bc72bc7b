import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { APP_ENV } from '../config/config.module';
import { AppEnv } from '../config/env';
import { ActionJobData, ConflictJobData, QueueName, ScheduleJobData, SyncJobData, TransformationJobData, WebhookJobData } from './queue.constants';
import { JobProcessors } from './job-processors';
import { createRedis } from './redis';

/** Shared Redis connection for producers and health checks. */
export const REDIS = Symbol('REDIS');
/** The `sync-jobs` queue (producer side). */
export const SYNC_QUEUE = Symbol('SYNC_QUEUE');
/** The `actions` queue (producer side). */
export const ACTIONS_QUEUE = Symbol('ACTIONS_QUEUE');
/** The `webhook-processing` queue (producer side). */
export const WEBHOOK_QUEUE = Symbol('WEBHOOK_QUEUE');
/** The `schedules` queue: holds the BullMQ job schedulers (sync schedules, health check) and their tick jobs. */
export const SCHEDULES_QUEUE = Symbol('SCHEDULES_QUEUE');
/** The `data-transformation` queue. */
export const TRANSFORMATION_QUEUE = Symbol('TRANSFORMATION_QUEUE');
/** The `conflict-resolution` queue. */
export const CONFLICT_QUEUE = Symbol('CONFLICT_QUEUE');
/** Every queue above, as `Queue[]` (metrics and the queue dashboard show them all). */
export const ALL_QUEUES = Symbol('ALL_QUEUES');

/**
 * Queues on one Redis, and {@link JobProcessors}: the modules register their processors
 * there; it runs one worker per queue, only when `APP_ROLE` is `all` or `worker`, so API
 * nodes never take jobs.
 */
@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [APP_ENV], useFactory: (env: AppEnv) => createRedis(env.redisUrl) },
    {
      provide: SYNC_QUEUE,
      inject: [REDIS],
      useFactory: (redis: IORedis) => new Queue<SyncJobData>(QueueName.SYNC_JOBS, { connection: redis }),
    },
    {
      provide: ACTIONS_QUEUE,
      inject: [REDIS],
      useFactory: (redis: IORedis) => new Queue<ActionJobData>(QueueName.ACTIONS, { connection: redis }),
    },
    {
      provide: WEBHOOK_QUEUE,
      inject: [REDIS],
      useFactory: (redis: IORedis) => new Queue<WebhookJobData>(QueueName.WEBHOOK_PROCESSING, { connection: redis }),
    },
    {
      provide: SCHEDULES_QUEUE,
      inject: [REDIS],
      useFactory: (redis: IORedis) => new Queue<ScheduleJobData>(QueueName.SCHEDULES, { connection: redis }),
    },
    {
      provide: TRANSFORMATION_QUEUE,
      inject: [REDIS],
      useFactory: (redis: IORedis) => new Queue<TransformationJobData>(QueueName.DATA_TRANSFORMATION, { connection: redis }),
    },
    {
      provide: CONFLICT_QUEUE,
      inject: [REDIS],
      useFactory: (redis: IORedis) => new Queue<ConflictJobData>(QueueName.CONFLICT_RESOLUTION, { connection: redis }),
    },
    {
      provide: ALL_QUEUES,
      inject: [SYNC_QUEUE, ACTIONS_QUEUE, WEBHOOK_QUEUE, SCHEDULES_QUEUE, TRANSFORMATION_QUEUE, CONFLICT_QUEUE],
      useFactory: (...queues: Queue[]) => queues,
    },
    JobProcessors,
  ],
  exports: [REDIS, SYNC_QUEUE, ACTIONS_QUEUE, WEBHOOK_QUEUE, SCHEDULES_QUEUE, TRANSFORMATION_QUEUE, CONFLICT_QUEUE, ALL_QUEUES, JobProcessors],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(SYNC_QUEUE) private readonly queue: Queue,
    @Inject(ACTIONS_QUEUE) private readonly actions: Queue,
    @Inject(WEBHOOK_QUEUE) private readonly webhooks: Queue,
    @Inject(SCHEDULES_QUEUE) private readonly schedules: Queue,
    @Inject(TRANSFORMATION_QUEUE) private readonly transformations: Queue,
    @Inject(CONFLICT_QUEUE) private readonly conflicts: Queue,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.actions.close();
    await this.webhooks.close();
    await this.schedules.close();
    await this.transformations.close();
    await this.conflicts.close();
    await this.redis.quit().catch(() => undefined);
  }
}
