import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, Auth, OrgAuth } from '../organizations/auth.context';
import { AutoSyncDto, WebhookResponseDto } from './dtos/webhook.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { webhookDto } from './webhooks.controller';

/**
 * "Set up auto-sync": for a vendor whose webhook capability can `register` endpoints through its API,
 * registers our receiver URL and subscribes to the vendor's change events, and stores the
 * configuration with the secret the vendor issued. `DELETE` removes both.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/integrations/:id/auto-sync')
export class AutoSyncController {
  constructor(private readonly service: WebhookEndpointsService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook endpoint at the vendor and subscribe to its patient and appointment events',
    description: "events defaults to every event the vendor offers (catalog `webhooks.events`). 400 when the vendor cannot register endpoints; 409 when already set up.",
  })
  @ApiCreatedResponse({ type: WebhookResponseDto })
  async enable(@Param('id', ParseUUIDPipe) id: string, @Body() body: AutoSyncDto, @Auth() auth: OrgAuth): Promise<WebhookResponseDto> {
    return webhookDto(await this.service.enableAutoSync(id, body.events, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId }));
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the webhook endpoint and subscriptions at the vendor, and our configuration' })
  @ApiNoContentResponse()
  async disable(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<void> {
    await this.service.disableAutoSync(id, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId });
  }
}
