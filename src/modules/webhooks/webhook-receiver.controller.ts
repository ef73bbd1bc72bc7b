import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../organizations/auth.context';
import { WebhookAckDto } from './dtos/webhook.dto';
import { WebhookReceiverService } from './webhook-receiver.service';

/**
 * `POST /api/v1/webhooks/:integrationId`: no API key, the signature is the authentication.
 * The body arrives as raw bytes (route-specific parser in bootstrap.ts, 1 MB → 413).
 */
@ApiTags('webhooks')
@Controller('api/v1/webhooks')
export class WebhookReceiverController {
  constructor(private readonly receiver: WebhookReceiverService) {}

  @Public()
  @Post(':integrationId')
  @ApiOperation({
    summary: 'Receive a signed webhook from a vendor',
    description: "Verified with the integration's scheme (Standard Webhooks, HMAC-SHA256/512, or a scheme of the vendor's own); stored, then processed on a queue. 401 when verification fails; 413 above 1 MB.",
  })
  @ApiAcceptedResponse({ type: WebhookAckDto, description: 'Stored and queued.' })
  @ApiOkResponse({ type: WebhookAckDto, description: 'Already received (replay): nothing done again.' })
  async receive(@Param('integrationId') integrationId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<WebhookAckDto> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { duplicate } = await this.receiver.receive(integrationId, { body, headers: req.headers });
    res.status(duplicate ? 200 : 202);
    return { received: true, duplicate };
  }
}
