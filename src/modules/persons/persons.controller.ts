import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgAuth } from '../organizations/auth.context';
import {
  FieldScoreDto, GoldenFieldDto, PersonDetailDto, PersonExplainDto, PersonListQueryDto, PersonPageDto, PersonSplitDto, ReviewDecisionDto,
  ReviewListQueryDto, ReviewPageDto,
} from './dtos/person.dto';
import { DecisionOutcomeDto, SplitOutcomeDto } from './dtos/decision.dto';
import { PersonDecisionsService } from './person-decisions.service';
import { PersonsService } from './persons.service';

/**
 * One person across sources (docs/persons.md): persons, their golden record and its
 * explanation, the review queue and the decisions that stick across syncs. GETs are audited as
 * reads of patient data (ReadAuditInterceptor).
 */
@ApiTags('persons')
@ApiBearerAuth()
@ApiExtraModels(GoldenFieldDto, FieldScoreDto)
@Controller('api/v1/persons')
export class PersonsController {
  constructor(
    private readonly persons: PersonsService,
    private readonly decisions: PersonDecisionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List persons (q: a linked record\'s name)' })
  @ApiOkResponse({ type: PersonPageDto })
  list(@Query() q: PersonListQueryDto, @Auth() auth: OrgAuth): Promise<PersonPageDto> {
    return this.persons.list(auth.organizationId, q.q, q.cursor, q.limit ?? 100);
  }

  @Get('review')
  @ApiOperation({ summary: 'Candidate pairs between the review and auto-link thresholds, waiting for a decision' })
  @ApiOkResponse({ type: ReviewPageDto })
  review(@Query() q: ReviewListQueryDto, @Auth() auth: OrgAuth): Promise<ReviewPageDto> {
    return this.persons.review(auth.organizationId, q.cursor, q.limit ?? 100);
  }

  @Post('review/:pairId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide a candidate pair: match (one person) or non_match (kept apart on every later sync)' })
  @ApiOkResponse({ type: DecisionOutcomeDto })
  decide(@Param('pairId', ParseUUIDPipe) pairId: string, @Body() body: ReviewDecisionDto, @Auth() auth: OrgAuth): Promise<DecisionOutcomeDto> {
    return this.decisions.decide(auth, pairId, body.decision);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The golden record: each field with its value, its source and why it won, and the linked records' })
  @ApiOkResponse({ type: PersonDetailDto })
  detail(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<PersonDetailDto> {
    return this.persons.detail(auth.organizationId, id);
  }

  @Get(':id/explain')
  @ApiOperation({ summary: "Each linked record's match score per field" })
  @ApiOkResponse({ type: PersonExplainDto })
  explain(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<PersonExplainDto> {
    return this.persons.explain(auth.organizationId, id);
  }

  @Post(':id/split')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a patient record out of this person into a person of its own; it stays apart on later syncs' })
  @ApiOkResponse({ type: SplitOutcomeDto })
  split(@Param('id', ParseUUIDPipe) id: string, @Body() body: PersonSplitDto, @Auth() auth: OrgAuth): Promise<SplitOutcomeDto> {
    return this.decisions.split(auth, id, body.patientId);
  }
}
