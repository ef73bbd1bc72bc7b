import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgAuth } from '../organizations/auth.context';
import {
  TransformationPreviewDto, TransformationPreviewRequestDto, TransformationRuleCreateDto, TransformationRuleDto, TransformationRuleUpdateDto,
} from './dtos/transformation-rule.dto';
import { TransformationRunDto } from './dtos/transformation-run.dto';
import { TransformationPreviewService } from './transformation-preview.service';
import { TransformationRunsService } from './transformation-runs.service';
import { TransformationRulesService } from './transformation-rules.service';

/** `/api/v1/integrations/:id/transformation-rules` (docs/transformations.md). Another organization's integration or rule: 404. */
@ApiTags('transformations')
@ApiBearerAuth()
@Controller('api/v1/integrations/:id/transformation-rules')
export class TransformationRulesController {
  constructor(private readonly rules: TransformationRulesService, private readonly previews: TransformationPreviewService, private readonly runs: TransformationRunsService) {}

  @Get()
  @ApiOperation({ summary: "List an integration's transformation rules" })
  @ApiOkResponse({ type: TransformationRuleDto, isArray: true })
  list(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<TransformationRuleDto[]> {
    return this.rules.list(auth.organizationId, id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a transformation rule (validated: 400 names the field or parameter)' })
  @ApiCreatedResponse({ type: TransformationRuleDto })
  create(@Param('id', ParseUUIDPipe) id: string, @Body() body: TransformationRuleCreateDto, @Auth() auth: OrgAuth): Promise<TransformationRuleDto> {
    return this.rules.create(auth.organizationId, id, body);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Before and after the enabled rules for one stored record, re-mapped from its raw row (nothing is written)' })
  @ApiOkResponse({ type: TransformationPreviewDto })
  preview(@Param('id', ParseUUIDPipe) id: string, @Body() body: TransformationPreviewRequestDto, @Auth() auth: OrgAuth): Promise<TransformationPreviewDto> {
    return this.previews.preview(auth.organizationId, id, body);
  }

  @Post('reapply')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-derive stored records from raw with the current rules on the data-transformation queue (no vendor call; only changed records are rewritten)' })
  @ApiAcceptedResponse({ type: TransformationRunDto })
  reapply(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<TransformationRunDto> {
    return this.runs.start(auth.organizationId, id);
  }

  @Get('runs/:runId')
  @ApiOperation({ summary: 'Status and progress of a reapply run' })
  @ApiOkResponse({ type: TransformationRunDto })
  run(@Param('id', ParseUUIDPipe) id: string, @Param('runId', ParseUUIDPipe) runId: string, @Auth() auth: OrgAuth): Promise<TransformationRunDto> {
    return this.runs.get(auth.organizationId, id, runId);
  }

  @Patch(':ruleId')
  @ApiOperation({ summary: 'Change a transformation rule (validated again as a whole)' })
  @ApiOkResponse({ type: TransformationRuleDto })
  update(
    @Param('id', ParseUUIDPipe) id: string, @Param('ruleId', ParseUUIDPipe) ruleId: string, @Body() body: TransformationRuleUpdateDto, @Auth() auth: OrgAuth,
  ): Promise<TransformationRuleDto> {
    return this.rules.update(auth.organizationId, id, ruleId, body);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a transformation rule' })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @Param('ruleId', ParseUUIDPipe) ruleId: string, @Auth() auth: OrgAuth): Promise<void> {
    await this.rules.remove(auth.organizationId, id, ruleId);
  }
}
