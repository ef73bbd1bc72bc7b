import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError, WorkerOptions } from 'bullmq';
import { APP_ENV } from '../config/config.module';
import type { AppEnv } from '../config/env';
import { JOB_QUEUES, JobName, QueueName } from './queue.constants';
import { QueueWorker } from './queue-worker';

/** Handles one job; `token` is the worker's lock token (for `moveToDelayed`). Its result is the job's return value. */
export type JobHandler<T> = (job: Job<T>, token?: string) => Promise<unknown>;

/** BullMQ worker options of one queue (concurrency, lockDuration…); the connection is the worker's own. */
export type QueueWorkerOptions = Omit<WorkerOptions, 'connection'>;

/** Thrown at start-up when a job name of {@link JobName} has no processor, or gets two. */
export class JobProcessorError extends Error {
  override readonly name = 'JobProcessorError';
}

/**
 * The one worker skeleton: processors register per job name (its queue comes from
 * {@link JOB_QUEUES}); at application bootstrap every job name must have a processor, else
 * start-up fails naming it; then one {@link QueueWorker} per queue takes jobs (only when
 * `APP_ROLE` is `all` or `worker`) and dispatches each by its name. A job whose name has no
 * processor (left in Redis by another version) fails without retry.
 *
 * Processors register in `onModuleInit` (Nest runs every `onModuleInit` before any
 * `onApplicationBootstrap`), and may add a stop listener that runs before the workers close
 * (for example to let a long job hand itself back to the queue).
 */
@Injectable()
export class JobProcessors implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobProcessors.name);
  private readonly handlers = new Map<JobName, JobHandler<unknown>>();
  private readonly options = new Map<QueueName, QueueWorkerOptions>();
  private readonly stopListeners: Array<() => void> = [];
  private readonly workers: QueueWorker<unknown>[] = [];

  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {}

  /** Registers the processor of a job name. @throws JobProcessorError when the name already has one. */
  register<T>(name: JobName, handler: JobHandler<T>): void {
    if (this.handlers.has(name)) throw new JobProcessorError(`Job "${name}" already has a processor`);
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  /** Sets the worker options of a queue (default: concurrency 4); merged with earlier ones. */
  configure(queue: QueueName, options: QueueWorkerOptions): void {
    this.options.set(queue, { ...this.options.get(queue), ...options });
  }

  /** Runs before the workers close on shutdown (the running jobs then finish). */
  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  /** @throws JobProcessorError naming every job of {@link JobName} that has no processor. */
  assertComplete(): void {
    const missing = (Object.values(JobName) as JobName[]).filter((name) => !this.handlers.has(name));
    if (missing.length) {
      const names = missing.map((name) => `"${name}" (queue ${JOB_QUEUES[name]})`).join(', ');
      throw new JobProcessorError(`No processor registered for job ${names}: register one with JobProcessors.register`);
    }
  }

  onApplicationBootstrap(): void {
    this.assertComplete();
    const queues = new Set(Object.values(JOB_QUEUES));
    for (const queue of queues) {
      const worker = new QueueWorker<unknown>(queue, this.logger);
      worker.start(this.env, (job, token) => this.dispatch(job, token), { concurrency: 4, ...this.options.get(queue) });
      this.workers.push(worker);
    }
  }

  /** Calls the processor of the job's name. @throws UnrecoverableError when it has none. */
  dispatch(job: Job<unknown>, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) return Promise.reject(new UnrecoverableError(`No processor for job name ${job.name}`));
    return handler(job, token);
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const listener of this.stopListeners) listener();
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
