import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CursorPageQueryDto } from '../../../common/page-query.dto';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { RESOURCE_ORDER } from '../../../canonical';
import { CONFLICT_RESOLUTIONS, CONFLICT_STRATEGIES, ConflictResolution } from '../conflict-policy';

const STATUSES = ['open', 'resolved', 'ignored'] as const;

/** Filters of `GET /api/v1/sync/conflicts`. */
export class ConflictListQueryDto extends CursorPageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES as unknown as string[])
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  integrationId?: string;

  @ApiPropertyOptional({ enum: RESOURCE_ORDER })
  @IsOptional()
  @IsIn(RESOURCE_ORDER as string[])
  resourceType?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Our record id (a /patients or /appointments id).' })
  @IsOptional()
  @IsUUID()
  recordId?: string;

}

/** One side of a conflict: its value and when it was set. */
export class ConflictValueDto {
  @ApiProperty({ description: "The field's value on this side (its canonical type).", example: 'Liz' })
  value: unknown;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'base: when it was synced; local: when it was edited; remote: the source\'s change stamp, or the sync\'s time when the stamp has no zone.' })
  at: string | null;
}

/** The last attempt to write a conflict's kept value back to the vendor (two-way sync). */
export class ConflictWriteBackDto {
  @ApiProperty({ enum: ['written', 'mismatch', 'refused', 'unsupported'], description: 'written: read back and confirmed; mismatch: the vendor holds another value; refused: the vendor said no; unsupported: not written (vendor or field).' })
  status: 'written' | 'mismatch' | 'refused' | 'unsupported';

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The update_patient action (GET /api/v1/actions/:id).' })
  actionId: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'BAD_REQUEST' })
  errorCode: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: "The vendor's reason (a safe message, no PHI)." })
  message: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  at: string;
}

/** One linked source of a cross-source conflict: its value of the field and when it was set. */
export class ConflictSourceDto {
  @ApiProperty({ format: 'uuid', description: 'The source\'s patient record (our id).' }) recordId: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ description: "The source's value of the field (its canonical type).", example: [{ system: 'phone', value: '(503) 555-0199', use: 'home', rank: 1 }] })
  value: unknown;
  @ApiProperty({ type: String, format: 'date-time', description: "The source's change stamp when it carries a zone, else when the value reached the hub." })
  at: string;
}

/** A conflict between a local edit and a source, or between two linked sources of one person (docs/conflicts.md). */
export class ConflictDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['three_way', 'cross_source'] }) kind: 'three_way' | 'cross_source';
  @ApiProperty({ format: 'uuid', description: 'The record (our id); cross_source: the record of the source whose change raised or last updated it.' }) recordId: string;
  @ApiProperty({ format: 'uuid', description: 'The source whose value conflicts (cross_source: that record\'s integration).' }) integrationId: string;
  @ApiProperty({ enum: RESOURCE_ORDER }) resourceType: string;
  @ApiProperty({ description: 'The top-level canonical field.', example: 'preferredName' }) field: string;
  @ApiProperty({ type: ConflictValueDto, description: 'The source value the local edit started from.' }) base: ConflictValueDto;
  @ApiProperty({ type: ConflictValueDto, description: 'The local edit.' }) local: ConflictValueDto;
  @ApiProperty({ type: ConflictValueDto, description: 'The new source value.' }) remote: ConflictValueDto;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiPropertyOptional({ enum: CONFLICT_STRATEGIES, nullable: true, description: 'The policy strategy that handled it; null while the conflict-resolution queue has not decided yet.' })
  strategy: string | null;
  @ApiPropertyOptional({ enum: [...CONFLICT_RESOLUTIONS, 'sources_agree'], nullable: true, description: 'sources_agree: a cross-source conflict closed because its sources came to agree.' })
  resolution: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'cross_source: the person whose linked sources disagree (GET /api/v1/persons/:id).' })
  personId: string | null;
  @ApiPropertyOptional({ type: ConflictSourceDto, isArray: true, nullable: true, description: "cross_source: each source's value and time, latest first; null for three_way." })
  sources: ConflictSourceDto[] | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'cross_source: the source a resolution chose (the golden record shows its value).' })
  winningIntegrationId: string | null;
  @ApiPropertyOptional({ description: 'The value the record shows after the resolution.', nullable: true, example: 'Liz' }) resolvedValue: unknown;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why: the resolver\'s reason, or why a strategy left it open.' }) reason: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'API key id, or `system` for an automatic decision.' }) resolvedBy: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) resolvedAt: string | null;
  @ApiPropertyOptional({ type: ConflictWriteBackDto, nullable: true, description: 'The last write-back of the kept value to the vendor, or null.' }) writeBack: ConflictWriteBackDto | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

/** The record's values of the field now, next to the conflict's. */
export class ConflictCurrentDto {
  @ApiProperty({ description: "The source's value now.", nullable: true, example: 'Elizabeth' }) source: unknown;
  @ApiProperty({ description: 'The local edit now (null when there is none).', nullable: true, example: 'Liz' }) local: unknown;
  @ApiProperty({ description: 'What the record shows now.', nullable: true, example: 'Liz' }) effective: unknown;
}

/** `GET /api/v1/sync/conflicts/:id`: the conflict and the record's values of the field now. */
export class ConflictDetailDto extends ConflictDto {
  @ApiProperty({ type: ConflictCurrentDto }) current: ConflictCurrentDto;
}

export class ConflictPageDto {
  @ApiProperty({ type: ConflictDto, isArray: true }) data: ConflictDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}

/** Body of `POST /api/v1/sync/conflicts/:id/resolve`. */
export class ConflictResolveDto {
  @ApiProperty({
    enum: CONFLICT_RESOLUTIONS,
    description: 'use_local: keep the local edit; use_remote: drop it for the source value; merge: the three-way merge (or `value`); manual: keep `value`; ignore: close it, keeping the local edit. A cross_source conflict takes use_remote (with integrationId) or ignore.',
  })
  @IsIn(CONFLICT_RESOLUTIONS as unknown as string[])
  strategy: ConflictResolution;

  @ApiPropertyOptional({ description: 'The value to keep (required with manual; optional with merge). Checked against the field\'s canonical type.', example: 'Liz' })
  @IsOptional()
  value?: unknown;

  @ApiPropertyOptional({ format: 'uuid', description: 'cross_source with use_remote (required there, not allowed on three_way): the integration whose value wins, one of the conflict\'s sources.' })
  @IsOptional()
  @IsUUID()
  integrationId?: string;

  @ApiPropertyOptional({ description: 'Why (kept with the conflict; not in the audit trail).', example: 'Patient confirmed by phone' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
