import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { DomainException } from '../../common/domain-exception';
import { ProviderException } from '../../providers/provider.exception';
import { JobName, QueueName, SYNC_JOB_ATTEMPTS, SyncJobData } from '../../queue/queue.constants';
import { JobProcessors } from '../../queue/job-processors';
import { SyncRunnerService } from './sync-runner.service';

/** A failure's code and a message safe for the job row, Redis and logs (no PHI, no internals). */
function describe(error: unknown): { code: string; message: string; permanent: boolean } {
  if (error instanceof ProviderException) return { code: error.code, message: error.message, permanent: !error.temporary };
  if (error instanceof DomainException) return { code: error.code, message: error.message, permanent: true };
  const code = (error as { code?: unknown })?.code;
  return { code: 'INTERNAL_ERROR', message: `Unexpected error during sync (${error instanceof Error ? error.name : 'unknown'}${typeof code === 'string' ? ` ${code}` : ''})`, permanent: false };
}

/**
 * A temporary vendor error asking to wait at least this long (ms) re-enters the job after the wait
 * instead of spending a retry: a Bulk export that answers `Retry-After: 7200` is running, not failing.
 */
const REENTER_AFTER_MIN_MS = 60_000;
/** Longest single wait before the job runs again (it may be asked to wait again). */
const REENTER_AFTER_MAX_MS = 6 * 3_600_000;

/** The wait a failure asks for before the job re-enters, or null when it is an ordinary failure. */
function reentryWait(error: unknown): number | null {
  if (!(error instanceof ProviderException) || !error.temporary || error.retryAfterMs === undefined) return null;
  return error.retryAfterMs >= REENTER_AFTER_MIN_MS ? Math.min(error.retryAfterMs, REENTER_AFTER_MAX_MS) : null;
}

/**
 * Processor of `run-sync` jobs on the `sync-jobs` queue (see JobProcessors; taken only when `APP_ROLE` is `all` or `worker`).
 * Temporary failures are thrown again so BullMQ retries after 2 s, 4 s, 8 s; permanent ones
 * fail the job at once (`UnrecoverableError`). A temporary error that asks to wait a minute or more
 * (`retryAfterMs`) puts the job back, delayed by that wait (at most 6 h), without spending an
 * attempt: it resumes from its checkpoint then. On SIGTERM it stops taking jobs, lets the
 * running batch commit, moves the job back to the queue (no attempt spent) and closes.
 */
@Injectable()
export class SyncWorker implements OnModuleInit {
  private readonly logger = new Logger(SyncWorker.name);
  private stopping = false;

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly processors: JobProcessors,
    private readonly runner: SyncRunnerService,
  ) {}

  onModuleInit(): void {
    // A killed worker's job is taken over after one lock period (at-least-once: the runner resumes from its checkpoint).
    this.processors.configure(QueueName.SYNC_JOBS, {
      concurrency: 2, lockDuration: this.env.syncLockDurationMs, stalledInterval: this.env.syncLockDurationMs, maxStalledCount: 3,
    });
    this.processors.register<SyncJobData>(JobName.RUN_SYNC, (job, token) => this.process(job, token));
    // Before the workers close: the running batch commits and the job goes back to the queue.
    this.processors.onStop(() => {
      this.stopping = true;
    });
  }

  private async process(job: Job<SyncJobData>, token?: string): Promise<void> {
    const { syncJobId } = job.data;
    try {
      const outcome = await this.runner.run(syncJobId, { stopReason: () => (this.stopping ? 'shutdown' : null) });
      if (outcome === 'interrupted') {
        await job.moveToDelayed(Date.now() + 500, token);
        throw new DelayedError();
      }
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      const wait = reentryWait(error);
      if (wait !== null) {
        const until = new Date(Date.now() + wait);
        this.logger.log({ syncJobId, code: (error as ProviderException).code, until: until.toISOString() }, 'sync waits for the vendor');
        await this.runner.noteWait(syncJobId, until, describe(error));
        await job.moveToDelayed(until.getTime(), token);
        throw new DelayedError();
      }
      const failure = describe(error);
      const attempts = job.opts.attempts ?? SYNC_JOB_ATTEMPTS;
      const last = failure.permanent || job.attemptsMade + 1 >= attempts;
      this.logger.warn({ syncJobId, code: failure.code, attempt: job.attemptsMade + 1, last }, 'sync attempt failed');
      const row = await this.runner.findJob(syncJobId);
      if (row && last) await this.runner.finish(row, 'failed', failure);
      else if (row) await this.runner.noteRetry(syncJobId, failure);
      // Only the code reaches Redis: job failure reasons are stored there in clear text.
      if (failure.permanent) throw new UnrecoverableError(failure.code);
      throw new Error(failure.code);
    }
  }
}
