import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { JobName, QueueName, WEBHOOK_JOB_ATTEMPTS, WebhookJobData } from '../../queue/queue.constants';
import { QueueWorker } from '../../queue/queue-worker';
import { WebhookProcessorService } from './webhook-processor.service';

/**
 * The `webhook-processing` BullMQ worker (APP_ROLE `all` or `worker`): processes stored
 * deliveries, retrying temporary failures with exponential backoff (1 s, 2 s, 4 s, …).
 * Exhausted deliveries stay `failed` in Postgres and can be replayed. Only codes reach Redis.
 */
@Injectable()
export class WebhooksWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhooksWorker.name);
  private readonly queueWorker = new QueueWorker<WebhookJobData>(QueueName.WEBHOOK_PROCESSING, this.logger);

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly processor: WebhookProcessorService,
  ) {}

  onApplicationBootstrap(): void {
    this.queueWorker.start(this.env, (job) => this.process(job), { concurrency: 4 });
  }

  private async process(job: Job<WebhookJobData>): Promise<void> {
    if (job.name !== JobName.PROCESS_WEBHOOK) throw new UnrecoverableError(`No processor for job name ${job.name}`);
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? WEBHOOK_JOB_ATTEMPTS);
    const outcome = await this.processor.process(job.data.deliveryId, last);
    if (outcome.status === 'retry') {
      this.logger.warn({ deliveryId: job.data.deliveryId, code: outcome.code, attempt: job.attemptsMade + 1 }, 'webhook delivery attempt failed');
      throw new Error(outcome.code);
    }
    if (outcome.status === 'failed') throw new UnrecoverableError(outcome.code);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queueWorker.close();
  }
}
