import { Queue } from 'bullmq';
import { JobName, WEBHOOK_JOB_ATTEMPTS, WEBHOOK_JOB_BACKOFF_MS, WebhookJobData } from '../../queue/queue.constants';

/**
 * Adds a delivery's job with a deterministic id (`webhook-<row id>[-<suffix>]`): while the job
 * exists BullMQ ignores a second add, and the processor's claim on `pending` makes a late
 * duplicate a no-op. Retries back off exponentially (1 s, 2 s, 4 s, …).
 */
export async function enqueueDelivery(queue: Queue<WebhookJobData>, deliveryRowId: string, suffix?: string): Promise<void> {
  const job = deliveryJob(deliveryRowId, suffix);
  await queue.add(job.name, job.data, job.opts);
}

function deliveryJob(deliveryRowId: string, suffix?: string) {
  return {
    name: JobName.PROCESS_WEBHOOK,
    data: { deliveryId: deliveryRowId },
    opts: {
      jobId: suffix ? `webhook-${deliveryRowId}-${suffix}` : `webhook-${deliveryRowId}`,
      attempts: WEBHOOK_JOB_ATTEMPTS, backoff: { type: 'exponential' as const, delay: WEBHOOK_JOB_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
    },
  };
}

/**
 * Enqueues deliveries like {@link enqueueDelivery}, but the adds of requests arriving in the
 * same event-loop turn go to Redis in one `addBulk` (one round trip instead of one each). Each
 * caller's promise settles when its job is in Redis, so a receiver still answers only after
 * its delivery is both stored and queued.
 */
export class DeliveryEnqueuer {
  private pending: Array<{ id: string; resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly queue: Queue<WebhookJobData>) {}

  enqueue(deliveryRowId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ id: deliveryRowId, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    try {
      await this.queue.addBulk(items.map((i) => deliveryJob(i.id)));
      for (const i of items) i.resolve();
    } catch (error) {
      for (const i of items) i.reject(error);
    }
  }
}
