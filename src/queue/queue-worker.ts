import { Logger } from '@nestjs/common';
import { Processor, Worker, WorkerOptions } from 'bullmq';
import type { AppEnv } from '../config/env';
import { QueueName } from './queue.constants';
import { createRedis } from './redis';

/**
 * The life of one BullMQ worker in a Nest provider: started only when `APP_ROLE` is `all` or
 * `worker` (API nodes never take jobs), on a Redis connection of its own, logging only the
 * error class, and closed on shutdown (the running job finishes first) with its connection.
 */
export class QueueWorker<T> {
  private worker?: Worker<T>;
  private connection?: ReturnType<typeof createRedis>;

  constructor(
    private readonly queue: QueueName,
    private readonly logger: Logger,
  ) {}

  /** Starts taking jobs unless this node is API-only. `options` are BullMQ worker options (concurrency, lockDuration…). */
  start(env: AppEnv, processor: Processor<T>, options: Omit<WorkerOptions, 'connection'> = {}): void {
    if (env.appRole === 'api') return;
    this.connection = createRedis(env.redisUrl);
    this.worker = new Worker<T>(this.queue, processor, { concurrency: 4, ...options, connection: this.connection });
    this.worker.on('error', (error) => this.logger.error({ errorClass: error.name }, `${this.queue} worker error`));
  }

  /** Stops taking jobs, waits for running ones, and closes the connection. */
  async close(): Promise<void> {
    if (this.worker) await this.worker.close();
    await this.connection?.quit().catch(() => undefined);
  }
}
