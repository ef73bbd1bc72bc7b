import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { RESOURCE_ORDER, ResourceType } from '../../../canonical';
import { CONFLICT_STRATEGIES, ConflictStrategy } from '../conflict-policy';

/** One rule of the organization's conflict policy. */
export class ConflictRuleDto {
  @ApiProperty({ enum: RESOURCE_ORDER, description: 'The canonical resource the rule covers.', example: 'patients' })
  @IsIn(RESOURCE_ORDER as string[])
  resourceType: ResourceType;

  @ApiProperty({ description: 'A top-level canonical field of the resource, or `*` for all of them. A rule naming the field beats `*`.', example: 'telecom' })
  @IsString()
  @MaxLength(100)
  field: string;

  @ApiProperty({ enum: CONFLICT_STRATEGIES, description: 'What the conflict-resolution queue does with a conflict of this field.', example: 'field_merge' })
  @IsIn(CONFLICT_STRATEGIES as unknown as string[])
  strategy: ConflictStrategy;

  @ApiPropertyOptional({
    type: [String], description: 'source_priority only (required there): integration ids and `local` (the hub\'s edits), highest priority first.',
    example: ['local', '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f'],
  })
  @ValidateIf((rule: ConflictRuleDto) => rule.strategy === 'source_priority' || rule.sourcePriority !== undefined)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  sourcePriority?: string[];
}

/** Body of `PUT /api/v1/conflict-policies`: the whole rule list, replacing the previous one. */
export class ConflictPolicyUpdateDto {
  @ApiProperty({ type: ConflictRuleDto, isArray: true, description: 'Rules; among equally specific rules the first listed wins.' })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ConflictRuleDto)
  rules: ConflictRuleDto[];
}

/** The organization's conflict policy. Without a matching rule a conflict waits for review (`manual`). */
export class ConflictPolicyDto {
  @ApiProperty({ type: ConflictRuleDto, isArray: true })
  rules: ConflictRuleDto[];

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the rules were last replaced; null when never set.' })
  updatedAt: string | null;
}

