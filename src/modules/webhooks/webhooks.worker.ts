import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { JobProcessors } from '../../queue/job-processors';
import { JobName, QueueName, WEBHOOK_JOB_ATTEMPTS, WebhookJobData } from '../../queue/queue.constants';
import { WebhookProcessorService } from './webhook-processor.service';

/**
 * Processor of `process-webhook` jobs on the `webhook-processing` queue (see JobProcessors): processes stored
 * deliveries, retrying temporary failures with exponential backoff (1 s, 2 s, 4 s, …).
 * Exhausted deliveries stay `failed` in Postgres and can be replayed. Only codes reach Redis.
 */
@Injectable()
export class WebhooksWorker implements OnModuleInit {
  private readonly logger = new Logger(WebhooksWorker.name);

  constructor(
    private readonly processors: JobProcessors,
    private readonly processor: WebhookProcessorService,
  ) {}

  onModuleInit(): void {
    this.processors.configure(QueueName.WEBHOOK_PROCESSING, { concurrency: 4 });
    this.processors.register<WebhookJobData>(JobName.PROCESS_WEBHOOK, (job) => this.process(job));
  }

  private async process(job: Job<WebhookJobData>): Promise<void> {
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? WEBHOOK_JOB_ATTEMPTS);
    const outcome = await this.processor.process(job.data.deliveryId, last);
    if (outcome.status === 'retry') {
      this.logger.warn({ deliveryId: job.data.deliveryId, code: outcome.code, attempt: job.attemptsMade + 1 }, 'webhook delivery attempt failed');
      throw new Error(outcome.code);
    }
    if (outcome.status === 'failed') throw new UnrecoverableError(outcome.code);
  }
}
