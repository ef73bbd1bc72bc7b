import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, Auth, OrgAuth } from '../organizations/auth.context';
import {
  WebhookCreateDto, WebhookDeliveryPageDto, WebhookDeliveryQueryDto, WebhookDeliveryResponseDto, WebhookResponseDto, WebhookRotateDto,
} from './dtos/webhook.dto';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** The API shape of a configuration; `secret` only when just issued. */
export function webhookDto(e: WebhookEndpoint, secret?: string | null): WebhookResponseDto {
  return {
    id: e.id, integrationId: e.integrationId, events: e.events, signatureAlgorithm: e.signatureAlgorithm, signatureHeader: e.signatureHeader,
    deliveryIdHeader: e.deliveryIdHeader, url: `/api/v1/webhooks/${e.integrationId}`,
    registeredAtVendor: !!e.vendorRegistration, previousSecretExpiresAt: e.previousSecretExpiresAt, createdAt: e.createdAt,
    ...(secret ? { secret } : {}),
  };
}

export function deliveryDto(d: WebhookDelivery): WebhookDeliveryResponseDto {
  return {
    id: d.id, integrationId: d.integrationId, deliveryId: d.deliveryId, status: d.status, attempts: d.attempts, changedCount: d.changedCount,
    errorCode: d.errorCode, errorMessage: d.errorMessage, receivedAt: d.receivedAt, processedAt: d.processedAt,
  };
}

/** Webhook configuration API (`/api/v1/sync/webhooks`): tenant-scoped, audited; secrets shown once. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/sync/webhooks')
export class WebhooksController {
  constructor(private readonly service: WebhookEndpointsService) {}

  @Post()
  @ApiOperation({ summary: "Configure an integration's inbound webhooks", description: 'Generates a secret when none is given. The secret is in this answer only.' })
  @ApiCreatedResponse({ type: WebhookResponseDto })
  async create(@Body() body: WebhookCreateDto, @Auth() auth: OrgAuth): Promise<WebhookResponseDto> {
    const { endpoint, secret } = await this.service.create(body, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId });
    return webhookDto(endpoint, secret);
  }

  @Get()
  @ApiOperation({ summary: 'Webhook configurations of the organization (no secrets)' })
  @ApiOkResponse({ type: WebhookResponseDto, isArray: true })
  async list(@Auth() auth: OrgAuth): Promise<WebhookResponseDto[]> {
    return (await this.service.list(auth.organizationId)).map((e) => webhookDto(e));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook configuration and its deliveries' })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<void> {
    await this.service.remove(id, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId });
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a new secret; the old one keeps verifying for graceSeconds (default 24 h)' })
  @ApiOkResponse({ type: WebhookResponseDto })
  async rotate(@Param('id', ParseUUIDPipe) id: string, @Body() body: WebhookRotateDto, @Auth() auth: OrgAuth): Promise<WebhookResponseDto> {
    const { endpoint, secret } = await this.service.rotate(id, body.graceSeconds, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId });
    return webhookDto(endpoint, secret);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Deliveries received for a configuration, newest first' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  async deliveries(@Param('id', ParseUUIDPipe) id: string, @Query() q: WebhookDeliveryQueryDto, @Auth() auth: OrgAuth): Promise<WebhookDeliveryPageDto> {
    const page = await this.service.listDeliveries(auth.organizationId, id, q);
    return { data: page.data.map(deliveryDto), nextCursor: page.nextCursor };
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Replay a failed (or processed) delivery on the webhook-processing queue' })
  @ApiAcceptedResponse({ type: WebhookDeliveryResponseDto, description: 'Queued again.' })
  async retry(@Param('deliveryId', ParseUUIDPipe) deliveryId: string, @Auth() auth: OrgAuth): Promise<WebhookDeliveryResponseDto> {
    return deliveryDto(await this.service.retry(auth.organizationId, deliveryId, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId }));
  }
}
