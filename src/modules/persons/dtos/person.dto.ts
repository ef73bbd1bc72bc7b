import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CursorPageQueryDto } from '../../../common/page-query.dto';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** `GET /api/v1/persons` query. */
export class PersonListQueryDto extends CursorPageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive match on a linked record\'s first, preferred or last name.', example: 'smith' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

}

/** `GET /api/v1/persons/review` query. */
export class ReviewListQueryDto extends CursorPageQueryDto {}

export class PersonSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The golden record\'s display name.', example: 'William Smith' })
  displayName: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'The golden record\'s birth date, yyyy-MM-dd.', example: '1970-05-06' })
  birthDate: string | null;

  @ApiProperty({ description: 'Patient records linked to this person.', example: 2 })
  recordCount: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: Date;
}

export class PersonPageDto {
  @ApiProperty({ type: [PersonSummaryDto] })
  data: PersonSummaryDto[];

  @ApiPropertyOptional({ type: String, nullable: true })
  nextCursor: string | null;
}

export class PersonRecordSourceDto {
  @ApiProperty({ format: 'uuid', description: 'The patient record (a /patients id).' })
  recordId: string;

  @ApiProperty({ format: 'uuid' })
  integrationId: string;

  @ApiProperty({ example: 'opendental-db' })
  vendor: string;
}

export class PersonRecordDto extends PersonRecordSourceDto {
  @ApiProperty({ example: '1042' })
  externalId: string;

  @ApiProperty({ enum: ['auto', 'manual', 'migrated'], description: 'How the record came to this person.' })
  method: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Match score in bits (sum of Fellegi-Sunter weights) when the matcher linked it.', example: 36.2 })
  score: number | null;

  @ApiProperty({ type: String, format: 'date-time', description: 'When our copy of the record last changed.' })
  updatedAt: Date;
}

export class GoldenAlternativeDto {
  @ApiProperty({ description: 'Another source\'s value of the field.' })
  value: unknown;

  @ApiProperty({ type: PersonRecordSourceDto })
  source: PersonRecordSourceDto;
}

export class GoldenFieldDto {
  @ApiProperty({ description: 'The winning value (canonical patient field, src/canonical/patient.ts).' })
  value: unknown;

  @ApiProperty({ type: PersonRecordSourceDto })
  source: PersonRecordSourceDto;

  @ApiProperty({
    enum: ['only_source', 'sources_agree', 'source_priority', 'most_recently_updated', 'conflict_resolution'],
    description: 'Why it won: the only source with a value, every source agrees, the conflict policy\'s source_priority order, the most recently updated record among disagreeing sources, or a person\'s resolution of the cross-source conflict `conflictId`.',
  })
  reason: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The resolved cross-source conflict that chose this source (GET /api/v1/sync/conflicts/:id), or null.' })
  conflictId?: string | null;

  @ApiProperty({ type: [GoldenAlternativeDto], description: 'Values of the other sources that disagree with the winner.' })
  alternatives: GoldenAlternativeDto[];
}

export class PersonDetailDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: [PersonRecordDto] })
  records: PersonRecordDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/GoldenFieldDto' },
    description: 'The golden record: each canonical field with its value, its source and why it won.',
  })
  fields: Record<string, GoldenFieldDto>;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: Date;
}

export class FieldScoreDto {
  @ApiProperty({ description: 'Comparison level (exact, nickname, typo, day_month_swap, agree, disagree, missing…).', example: 'nickname' })
  level: string;

  @ApiProperty({ description: 'log2(m/u) in bits; 0 when missing.', example: 4.91 })
  weight: number;
}

export class ExplainedRecordDto extends PersonRecordDto {
  @ApiProperty({ description: 'Stored at link time: how the record was linked (score, matched record, field scores).', type: 'object', additionalProperties: true, nullable: true })
  explanation: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Score against the person\'s first record now (null for that record itself).' })
  scoreNow: number | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/FieldScoreDto' }, nullable: true, description: 'Per-field scores against the person\'s first record now.' })
  fieldsNow: Record<string, FieldScoreDto> | null;
}

export class PersonExplainDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The first record linked to the person, which the others are scored against.' })
  anchorRecordId: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Thresholds in bits.', example: { autoLink: 22, review: 12 } })
  thresholds: { autoLink: number; review: number };

  @ApiProperty({ type: [ExplainedRecordDto] })
  records: ExplainedRecordDto[];
}

export class ReviewRecordDto extends PersonRecordSourceDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  personId: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Bill Smith' })
  displayName: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1970-05-06' })
  birthDate: string | null;
}

export class ReviewPairDto {
  @ApiProperty({ format: 'uuid', description: 'The pair id for POST /persons/review/:pairId.' })
  id: string;

  @ApiProperty({ example: 18.4 })
  score: number;

  @ApiProperty({ enum: ['open', 'match', 'non_match'] })
  status: string;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/FieldScoreDto' } })
  fields: Record<string, FieldScoreDto>;

  @ApiProperty({ type: [ReviewRecordDto] })
  records: ReviewRecordDto[];

  @ApiPropertyOptional({ type: String, nullable: true })
  decidedBy: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  decidedAt: Date | null;
}

export class ReviewPageDto {
  @ApiProperty({ type: [ReviewPairDto] })
  data: ReviewPairDto[];

  @ApiPropertyOptional({ type: String, nullable: true })
  nextCursor: string | null;
}

export class ReviewDecisionDto {
  @ApiProperty({ enum: ['match', 'non_match'], description: 'match: one person; non_match: kept apart on every later sync.' })
  @IsIn(['match', 'non_match'])
  decision: 'match' | 'non_match';
}

export class PersonSplitDto {
  @ApiProperty({ format: 'uuid', description: 'A patient record of this person; it moves to a person of its own and stays apart.' })
  @IsUUID()
  patientId: string;
}
