import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProviderException, ProviderExceptionCode } from '../../providers/provider.exception';
import { actorOf, Auth, OrgAuth } from '../organizations/auth.context';
import { Action } from './action.entity';
import { ActionsService } from './actions.service';
import { ActionCreateDto, ActionQueryDto, ActionResponseDto, SlotProviderDto, SlotQueryDto } from './dtos/action.dto';
import { SlotsService } from './slots.service';

function toDto(a: Action): ActionResponseDto {
  return {
    id: a.id, integrationId: a.integrationId, type: a.type, status: a.status, result: a.result, errorCode: a.errorCode,
    errorMessage: a.errorMessage, attempts: a.attempts, createdAt: a.createdAt, completedAt: a.completedAt,
  };
}

@ApiTags('actions')
@ApiBearerAuth()
@Controller('api/v1')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly slots: SlotsService,
  ) {}

  @Get('integrations/:id/appointment-slots')
  @ApiOperation({ summary: 'Open appointment blocks from the vendor, grouped by provider and office-local day' })
  @ApiOkResponse({ type: SlotProviderDto, isArray: true })
  appointmentSlots(@Param('id', ParseUUIDPipe) id: string, @Query() q: SlotQueryDto, @Auth() auth: OrgAuth): Promise<SlotProviderDto[]> {
    return this.slots.find(auth.organizationId, id, q);
  }

  @Post('integrations/:id/actions')
  @ApiOperation({
    summary: 'Perform a write-back action at the vendor (book, confirm, cancel, reschedule, note, create patient)',
    description: 'Idempotent: the same Idempotency-Key and body return the first result (header Idempotent-Replayed: true); a different body is 409. A failed sync action answers with the vendor error and is kept as failed.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Unique per intended action, 1–255 characters.' })
  @ApiCreatedResponse({ type: ActionResponseDto })
  @ApiAcceptedResponse({ type: ActionResponseDto, description: 'With ?async=true: queued.' })
  async create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ActionCreateDto,
    @Query() q: ActionQueryDto,
    @Headers('idempotency-key') key: string | undefined,
    @Auth() auth: OrgAuth,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ActionResponseDto> {
    const { action, replayed } = await this.actions.submit(id, body, key, q.async ?? false, {
      organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId,
    });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (action.status === 'failed') {
      const code = (Object.values(ProviderExceptionCode) as string[]).includes(action.errorCode ?? '') ? (action.errorCode as ProviderExceptionCode) : ProviderExceptionCode.VENDOR_ERROR;
      const error = new ProviderException(code, action.errorMessage ?? 'Action failed');
      (error as { details?: unknown }).details = { actionId: action.id };
      throw error;
    }
    res.status(action.status === 'succeeded' ? 201 : 202);
    return toDto(action);
  }

  @Get('actions/:id')
  @ApiOperation({ summary: 'Status and result of an action' })
  @ApiOkResponse({ type: ActionResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<ActionResponseDto> {
    return toDto(await this.actions.get(auth.organizationId, id));
  }
}
