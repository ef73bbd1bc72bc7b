import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { ProviderException } from '../../providers/provider.exception';
import { ACTION_JOB_ATTEMPTS, ActionJobData, JobName, QueueName } from '../../queue/queue.constants';
import { QueueWorker } from '../../queue/queue-worker';
import { ActionsService } from './actions.service';

/**
 * The `actions` BullMQ worker (APP_ROLE `all` or `worker`): runs `?async=true` actions with
 * retries (1 s, 2 s, 4 s, 8 s) on temporary vendor failures. Only codes reach Redis.
 */
@Injectable()
export class ActionsWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ActionsWorker.name);
  private readonly queueWorker = new QueueWorker<ActionJobData>(QueueName.ACTIONS, this.logger);

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly actions: ActionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.queueWorker.start(this.env, (job) => this.process(job), { concurrency: 4 });
  }

  private async process(job: Job<ActionJobData>): Promise<void> {
    if (job.name !== JobName.RUN_ACTION) throw new UnrecoverableError(`No processor for job name ${job.name}`);
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? ACTION_JOB_ATTEMPTS);
    try {
      await this.actions.execute(job.data.actionId, last);
    } catch (error) {
      const code = error instanceof ProviderException ? error.code : 'INTERNAL_ERROR';
      this.logger.warn({ actionId: job.data.actionId, code, attempt: job.attemptsMade + 1, last }, 'action attempt failed');
      if (last) await this.actions.failFinally(job.data.actionId, { code, message: error instanceof ProviderException ? error.message : 'Unexpected error' });
      throw new Error(code);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queueWorker.close();
  }
}
