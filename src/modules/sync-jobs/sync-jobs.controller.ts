import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, Auth, OrgAuth } from '../organizations/auth.context';
import {
  PageQueryDto, ResourceProgressDto, SyncJobCreateDto, SyncJobErrorPageDto, SyncJobPageDto, SyncJobQueryDto, SyncJobResponseDto,
  SyncStatisticsDto, SyncStatisticsQueryDto,
} from './dtos/sync-job.dto';
import { countMismatches } from './count-reconciliation';
import { SyncJob } from './sync-job.entity';
import { SyncJobsService } from './sync-jobs.service';
import { SyncStatisticsService } from './sync-statistics.service';

function toDto(j: SyncJob): SyncJobResponseDto {
  return {
    id: j.id, integrationId: j.integrationId, mode: j.mode, direction: j.direction, outbound: j.outbound ?? null, trigger: j.trigger, resources: j.resources, limit: j.recordLimit,
    status: j.status, progress: j.progress, countMismatches: countMismatches(j.progress), attempts: j.attempts, errorCode: j.errorCode, errorMessage: j.errorMessage,
    retryOf: j.retryOf, cancelRequestedAt: j.cancelRequestedAt, createdAt: j.createdAt, startedAt: j.startedAt, finishedAt: j.finishedAt,
    durationMs: j.startedAt && j.finishedAt ? j.finishedAt.getTime() - j.startedAt.getTime() : null,
  };
}

@ApiTags('sync')
@ApiBearerAuth()
@ApiExtraModels(ResourceProgressDto)
@Controller('api/v1/sync')
export class SyncJobsController {
  constructor(
    private readonly jobs: SyncJobsService,
    private readonly statistics: SyncStatisticsService,
  ) {}

  @Post('jobs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a sync (runs on a worker; poll the job for progress). 409 when disabled or already syncing.' })
  @ApiAcceptedResponse({ type: SyncJobResponseDto })
  async create(@Body() body: SyncJobCreateDto, @Auth() auth: OrgAuth): Promise<SyncJobResponseDto> {
    return toDto(await this.jobs.create(body, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId }));
  }

  @Get('jobs')
  @ApiOkResponse({ type: SyncJobPageDto })
  async list(@Query() q: SyncJobQueryDto, @Auth() auth: OrgAuth): Promise<SyncJobPageDto> {
    const page = await this.jobs.list(auth.organizationId, { ...q, limit: q.limit ?? 50 });
    return { data: page.data.map(toDto), nextCursor: page.nextCursor };
  }

  @Get('jobs/:id')
  @ApiOkResponse({ type: SyncJobResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<SyncJobResponseDto> {
    return toDto(await this.jobs.get(auth.organizationId, id));
  }

  @Get('jobs/:id/errors')
  @ApiOperation({ summary: 'Per-record failures and skips of a job (codes and PHI-free messages)' })
  @ApiOkResponse({ type: SyncJobErrorPageDto })
  async errors(@Param('id', ParseUUIDPipe) id: string, @Query() q: PageQueryDto, @Auth() auth: OrgAuth): Promise<SyncJobErrorPageDto> {
    const page = await this.jobs.listErrors(auth.organizationId, id, q.cursor, q.limit ?? 100);
    return {
      nextCursor: page.nextCursor,
      data: page.data.map(({ id: eid, resource, externalId, kind, code, message, createdAt }) => ({ id: eid, resource, externalId, kind, code, message, createdAt })),
    };
  }

  @Delete('jobs/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a job (a running job stops after its current batch)' })
  @ApiOkResponse({ type: SyncJobResponseDto })
  async cancel(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<SyncJobResponseDto> {
    return toDto(await this.jobs.cancel(auth.organizationId, id, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId }));
  }

  @Post('jobs/:id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a new job like this one, resuming from the last checkpoint' })
  @ApiAcceptedResponse({ type: SyncJobResponseDto })
  async retry(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<SyncJobResponseDto> {
    return toDto(await this.jobs.retry(auth.organizationId, id, { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId }));
  }

  @Get('statistics')
  @ApiOperation({ summary: 'Jobs per day (UTC) and integration: counts, records processed, average duration' })
  @ApiOkResponse({ type: SyncStatisticsDto, isArray: true })
  stats(@Query() q: SyncStatisticsQueryDto, @Auth() auth: OrgAuth): Promise<SyncStatisticsDto[]> {
    return this.statistics.daily(auth.organizationId, q);
  }
}
