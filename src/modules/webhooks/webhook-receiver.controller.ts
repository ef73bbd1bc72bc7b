import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorDto } from '../../common/error.dto';
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
    description: "Verified over the bytes as received with the integration's scheme (Standard Webhooks, HMAC-SHA256/512, or a scheme of the vendor's own); stored, then processed on a queue. A delivery for a disabled integration is stored and held until it is enabled again.",
  })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'Verification failed (unknown integration, bad signature, stale timestamp): the same answer for each, nothing stored.' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Verified, but the delivery id header is longer than 255 characters; nothing stored.' })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'Body above 1 MB, refused before any signature work.' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorDto, description: 'A Content-Encoding other than identity: the signature covers the bytes as sent, so they are never inflated.' })
  @ApiAcceptedResponse({ type: WebhookAckDto, description: 'Stored and queued.' })
  @ApiOkResponse({ type: WebhookAckDto, description: 'Already received (replay): nothing done again.' })
  async receive(@Param('integrationId') integrationId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<WebhookAckDto> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const { duplicate } = await this.receiver.receive(integrationId, { body, headers: req.headers });
    res.status(duplicate ? 200 : 202);
    return { received: true, duplicate };
  }
}
