import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { Repository } from 'typeorm';
import { withTransaction } from '../../database/transaction';
import { PG_POOL } from '../../database/database.module';
import { CanonicalRecord, RESOURCE_ORDER, ResourceType } from '../../providers/provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../../providers/provider.exception';
import { AuditService } from '../audit/audit.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { RecordWriter } from '../records/record-writer';
import { WebhookCrypto } from './webhook-crypto';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/** What one processing attempt did. `retry` = a temporary failure the queue should retry. */
export type ProcessOutcome = { status: 'skipped' | 'succeeded' | 'held'; changed: number } | { status: 'failed' | 'retry'; code: string };

/**
 * Processes one stored delivery: claims it (`pending` → `processing`, so a duplicate job is a
 * no-op; a claim older than 5 minutes is taken over after a crash), decrypts it, asks the adapter's webhook capability for the changed ids (`parse`), fetches the
 * current records from the vendor (`fetchRecords`) and upserts them with the RecordWriter in
 * one transaction, patients before the records that point at them. Temporary vendor failures
 * go back to `pending` for the queue's backoff unless it is the last attempt; the rest end `failed`.
 * A delivery of a disabled integration is `held` instead (see WebhookHoldsService).
 */
@Injectable()
export class WebhookProcessorService {
  constructor(
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly integrations: IntegrationsService,
    private readonly writer: RecordWriter,
    private readonly crypto: WebhookCrypto,
    private readonly audit: AuditService,
  ) {}

  async process(deliveryRowId: string, lastAttempt: boolean): Promise<ProcessOutcome> {
    // One UPDATE claims the delivery, or holds it when its integration is disabled (a disabled
    // integration must not call its vendor; WebhookHoldsService releases it on enable).
    const [claimed] = await this.deliveries.query(
      `UPDATE webhook_deliveries d
          SET status = CASE WHEN i.enabled THEN 'processing' ELSE 'held' END,
              attempts = d.attempts + CASE WHEN i.enabled THEN 1 ELSE 0 END, updated_at = now()
         FROM integrations i
        WHERE d.id = $1 AND i.id = d.integration_id
          AND (d.status = 'pending' OR (d.status = 'processing' AND d.updated_at < now() - interval '5 minutes'))
        RETURNING d.status`, [deliveryRowId],
    ) as [Array<{ status: string }>, number];
    if (!claimed.length) return { status: 'skipped', changed: 0 };
    if (claimed[0].status === 'held') return { status: 'held', changed: 0 };
    const delivery = await this.deliveries.createQueryBuilder('d').addSelect('d.payloadCiphertext').where('d.id = :id', { id: deliveryRowId }).getOneOrFail();
    try {
      const changed = await this.apply(delivery);
      await this.deliveries.update({ id: delivery.id }, { status: 'succeeded', changedCount: changed, processedAt: new Date(), errorCode: null, errorMessage: null });
      return { status: 'succeeded', changed };
    } catch (error) {
      const known = error instanceof ProviderException;
      const code = known ? error.code : 'INTERNAL_ERROR';
      const message = (known ? error.message : 'Unexpected error while processing the delivery').slice(0, 500);
      const temporary = !known || error.temporary;
      if (temporary && !lastAttempt) {
        await this.deliveries.update({ id: delivery.id }, { status: 'pending', errorCode: code, errorMessage: `Retrying after: ${message}`.slice(0, 500) });
        return { status: 'retry', code };
      }
      await this.fail(delivery, code, message);
      return { status: 'failed', code };
    }
  }

  /** Marks a delivery failed (visible in the deliveries list, replayable) and audits it. */
  async fail(delivery: Pick<WebhookDelivery, 'id' | 'organizationId' | 'integrationId'>, code: string, message: string): Promise<void> {
    await this.deliveries.update({ id: delivery.id }, { status: 'failed', errorCode: code, errorMessage: message.slice(0, 500), processedAt: new Date() });
    await this.audit.record({
      organizationId: delivery.organizationId, actorType: 'system', action: 'webhook.delivery_failed', targetType: 'webhook_delivery',
      targetId: delivery.id, outcome: 'failure', details: { integrationId: delivery.integrationId, errorCode: code },
    });
  }

  private async apply(delivery: WebhookDelivery): Promise<number> {
    const endpoint = await this.endpoints.findOne({ where: { id: delivery.endpointId } });
    const integration = await this.integrations.findForSystem(delivery.integrationId);
    if (!endpoint || !integration) throw new ProviderException(ProviderExceptionCode.NOT_FOUND, 'The integration or its webhook configuration was deleted', { temporary: false });
    const { adapter, ctx } = await this.integrations.adapterFor(integration);
    const hooks = adapter.webhooks;
    if (!hooks) {
      throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `Vendor ${integration.vendor} does not process webhooks`, { temporary: false });
    }
    const body = this.crypto.openPayload(delivery.id, delivery.payloadCiphertext);
    const changes = hooks.parse(ctx, { deliveryId: delivery.deliveryId, body })
      .filter((c) => endpoint.events.includes(c.resource) && c.externalIds.length);
    const byResource = new Map<ResourceType, CanonicalRecord[]>();
    for (const change of changes) {
      const records = await hooks.fetchRecords(ctx, change.resource, [...new Set(change.externalIds)]);
      byResource.set(change.resource, [...(byResource.get(change.resource) ?? []), ...records]);
    }
    let changed = 0;
    await withTransaction(this.pool, async (client) => {
      for (const resource of RESOURCE_ORDER) {
        const records = byResource.get(resource);
        if (!records?.length) continue;
        await this.writer.write(client, { organizationId: delivery.organizationId, integrationId: delivery.integrationId, resource }, this.writer.prepare(records), []);
        changed += records.length;
      }
    });
    return changed;
  }
}
