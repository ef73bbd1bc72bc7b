import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { RecordsModule } from '../records/records.module';
import { AutoSyncController } from './auto-sync.controller';
import { WebhookCrypto } from './webhook-crypto';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookConfigBroadcast } from './webhook-config-broadcast';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookHoldsService } from './webhook-holds.service';
import { WebhookProcessorService } from './webhook-processor.service';
import { WebhookReceiverController } from './webhook-receiver.controller';
import { WebhookReceiverService } from './webhook-receiver.service';
import { WebhookSchemesService } from './webhook-schemes.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksWorker } from './webhooks.worker';

/** Inbound webhooks: verification, durable storage, processing on the `webhook-processing` queue. Vendor-neutral. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint, WebhookDelivery]), IntegrationsModule, RecordsModule, AuditModule],
  controllers: [WebhooksController, AutoSyncController, WebhookReceiverController],
  providers: [WebhookCrypto, WebhookConfigBroadcast, WebhookSchemesService, WebhookEndpointsService, WebhookReceiverService, WebhookProcessorService, WebhookHoldsService, WebhooksWorker],
})
export class WebhooksModule {}
