import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { ConflictPoliciesService } from './conflict-policies.service';
import { ConflictsService } from './conflicts.service';
import { ConflictPolicyDto, ConflictPolicyUpdateDto } from './dtos/conflict-policy.dto';
import { ConflictDetailDto, ConflictListQueryDto, ConflictPageDto, ConflictResolveDto } from './dtos/conflict.dto';

/** Conflict policies and conflicts: local edits against sources (three_way), linked sources of one person (cross_source); docs/conflicts.md. */
@ApiTags('conflicts')
@ApiBearerAuth()
@Controller('api/v1')
export class ConflictsController {
  constructor(
    private readonly conflicts: ConflictsService,
    private readonly policies: ConflictPoliciesService,
  ) {}

  @Get('conflict-policies')
  @ApiOperation({ summary: "The organization's conflict policy (no rules: every conflict waits for review)" })
  @ApiOkResponse({ type: ConflictPolicyDto })
  policy(@Auth() auth: OrgAuth): Promise<ConflictPolicyDto> {
    return this.policies.get(auth.organizationId);
  }

  @Put('conflict-policies')
  @ApiOperation({ summary: 'Replace the conflict policy: rules per resource and field (or *), the field rule before *; 400 naming a bad rule field' })
  @ApiOkResponse({ type: ConflictPolicyDto })
  putPolicy(@Body() body: ConflictPolicyUpdateDto, @Auth() auth: OrgAuth): Promise<ConflictPolicyDto> {
    return this.policies.put(auth.organizationId, body.rules, auth.apiKeyId, auth.requestId);
  }

  @Get('sync/conflicts')
  @ApiOperation({ summary: 'Conflicts, newest first (resolved and ignored ones included unless status filters them)' })
  @ApiOkResponse({ type: ConflictPageDto })
  list(@Query() q: ConflictListQueryDto, @Auth() auth: OrgAuth): Promise<ConflictPageDto> {
    return this.conflicts.list(auth.organizationId, q);
  }

  @Get('sync/conflicts/:id')
  @ApiOperation({ summary: "One conflict: base, local and remote values with their times (cross_source: each source's value and time), and the record's values now" })
  @ApiOkResponse({ type: ConflictDetailDto })
  get(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<ConflictDetailDto> {
    return this.conflicts.get(auth.organizationId, id);
  }

  @Post('sync/conflicts/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an open conflict: use_local, use_remote, merge, manual (with value) or ignore; a cross_source one use_remote with integrationId, or ignore; 409 when already closed' })
  @ApiOkResponse({ type: ConflictDetailDto })
  resolve(@Param('id', ParseUUIDPipe) id: string, @Body() body: ConflictResolveDto, @Auth() auth: OrgAuth): Promise<ConflictDetailDto> {
    return this.conflicts.resolve(auth, id, body);
  }
}
