import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job } from 'bullmq';
import { ProviderException } from '../../providers/provider.exception';
import { JobProcessors } from '../../queue/job-processors';
import { ACTION_JOB_ATTEMPTS, ActionJobData, JobName, QueueName } from '../../queue/queue.constants';
import { ActionsService } from './actions.service';

/**
 * Processor of `run-action` jobs on the `actions` queue (see JobProcessors): runs `?async=true`
 * actions with retries (1 s, 2 s, 4 s, 8 s) on temporary vendor failures. Only codes reach Redis.
 */
@Injectable()
export class ActionsWorker implements OnModuleInit {
  private readonly logger = new Logger(ActionsWorker.name);

  constructor(
    private readonly processors: JobProcessors,
    private readonly actions: ActionsService,
  ) {}

  onModuleInit(): void {
    this.processors.configure(QueueName.ACTIONS, { concurrency: 4 });
    this.processors.register<ActionJobData>(JobName.RUN_ACTION, (job) => this.process(job));
  }

  private async process(job: Job<ActionJobData>): Promise<void> {
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
}
