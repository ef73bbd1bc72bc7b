import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RESOURCE_ORDER, ResourceType } from '../../../canonical';
import { RULE_TYPES, RuleType } from '../transformation-rule';

/** Body of `POST /integrations/:id/transformation-rules` (docs/transformations.md). */
export class TransformationRuleCreateDto {
  @ApiProperty({ enum: RESOURCE_ORDER }) @IsIn(RESOURCE_ORDER as string[]) resourceType: ResourceType;
  @ApiProperty({ description: 'Dotted canonical field path; arrays are walked (e.g. telecom.value).', example: 'telecom.value' })
  @IsString() @MaxLength(200) field: string;
  @ApiProperty({ enum: RULE_TYPES }) @IsIn(RULE_TYPES as unknown as string[]) type: RuleType;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Parameters of the type, e.g. { defaultRegion: "US" } for phone_e164.' })
  @IsOptional() @IsObject() params?: Record<string, unknown>;
  @ApiPropertyOptional({ default: 0, description: 'Rules of a resource run in ascending order.' })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000) order?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

/** Body of `PATCH /integrations/:id/transformation-rules/:ruleId`: any field of the rule. */
export class TransformationRuleUpdateDto {
  @ApiPropertyOptional({ enum: RESOURCE_ORDER }) @IsOptional() @IsIn(RESOURCE_ORDER as string[]) resourceType?: ResourceType;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) field?: string;
  @ApiPropertyOptional({ enum: RULE_TYPES }) @IsOptional() @IsIn(RULE_TYPES as unknown as string[]) type?: RuleType;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() params?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1_000_000) order?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

/** A stored transformation rule. */
export class TransformationRuleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ enum: RESOURCE_ORDER }) resourceType: ResourceType;
  @ApiProperty() field: string;
  @ApiProperty({ enum: RULE_TYPES }) type: RuleType;
  @ApiProperty({ type: 'object', additionalProperties: true }) params: Record<string, unknown>;
  @ApiProperty() order: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Body of `POST /integrations/:id/transformation-rules/preview`. */
export class TransformationPreviewRequestDto {
  @ApiProperty({ enum: RESOURCE_ORDER }) @IsIn(RESOURCE_ORDER as string[]) resourceType: ResourceType;
  @ApiProperty({ description: "The stored record's source id." }) @IsString() @MaxLength(200) externalId: string;
}

/** Before and after the integration's enabled rules, for one stored record (nothing is written). */
export class TransformationPreviewDto {
  @ApiProperty({ enum: RESOURCE_ORDER }) resourceType: ResourceType;
  @ApiProperty() externalId: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Canonical data as the vendor mapper gives it from the stored raw row.' })
  before: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'After the rules; null when a rule fails the record.' })
  after: Record<string, unknown> | null;
  @ApiProperty({ type: [String], description: 'Top-level canonical fields the rules change.' }) changedFields: string[];
  @ApiProperty({ nullable: true, description: 'Why the record would fail (transformation_failed), or null.' }) error: string | null;
}
