import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Repository } from 'typeorm';
import { WebhookJobData } from '../../queue/queue.constants';
import { WEBHOOK_QUEUE } from '../../queue/queue.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { WebhookDelivery } from './webhook-delivery.entity';
import { enqueueDelivery } from './webhook-queue';

/**
 * Deliveries for a disabled integration: verified and stored like any other, then `held` by the
 * processor's claim instead of applied (a disabled integration must not call its vendor), and put back
 * to `pending` and queued again when the integration is enabled (its committed change, see
 * IntegrationsService.onChange). Only ids travel; the payload stays encrypted in Postgres.
 */
@Injectable()
export class WebhookHoldsService implements OnModuleInit {
  private readonly logger = new Logger(WebhookHoldsService.name);

  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @Inject(WEBHOOK_QUEUE) private readonly queue: Queue<WebhookJobData>,
    private readonly integrations: IntegrationsService,
  ) {}

  onModuleInit(): void {
    this.integrations.onChange(async ({ integrationId, kind }) => {
      if (kind === 'updated') await this.release(integrationId);
    });
  }

  /**
   * Puts the held deliveries of an enabled integration back to `pending` and queues each (a job id
   * of its own: the first job of the delivery may still be kept by BullMQ). A disabled one keeps them.
   * @returns how many were released.
   */
  async release(integrationId: string): Promise<number> {
    const [rows] = await this.deliveries.query(
      `UPDATE webhook_deliveries d SET status = 'pending', updated_at = now()
         FROM integrations i
        WHERE d.integration_id = $1 AND d.status = 'held' AND i.id = d.integration_id AND i.enabled
        RETURNING d.id`, [integrationId],
    ) as [Array<{ id: string }>, number];
    const suffix = `released-${Date.now()}`;
    for (const { id } of rows) await enqueueDelivery(this.queue, id, suffix);
    if (rows.length) this.logger.log({ integrationId, released: rows.length }, 'held webhook deliveries released');
    return rows.length;
  }
}
