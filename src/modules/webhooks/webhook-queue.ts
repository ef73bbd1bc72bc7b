import { Queue } from 'bullmq';
import { JobName, WEBHOOK_JOB_ATTEMPTS, WEBHOOK_JOB_BACKOFF_MS, WebhookJobData } from '../../queue/queue.constants';

/**
 * Adds a delivery's job with a deterministic id (`webhook-<row id>[-<suffix>]`): while the job
 * exists BullMQ ignores a second add, and the processor's claim on `pending` makes a late
 * duplicate a no-op. Retries back off exponentially (1 s, 2 s, 4 s, …).
 */
export async function enqueueDelivery(queue: Queue<WebhookJobData>, deliveryRowId: string, suffix?: string): Promise<void> {
  await queue.add(JobName.PROCESS_WEBHOOK, { deliveryId: deliveryRowId }, {
    jobId: suffix ? `webhook-${deliveryRowId}-${suffix}` : `webhook-${deliveryRowId}`,
    attempts: WEBHOOK_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: WEBHOOK_JOB_BACKOFF_MS },
    removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
  });
}
