import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInstant } from '../../../common/calendar';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only this action.', example: 'sync_job.completed' })
  @IsOptional() @IsString() @MaxLength(80) action?: string;

  @ApiPropertyOptional({ description: 'Only events about this object id.', example: '7d0c2f7e-4a0e-4d7b-9a64-1b5f1f0c2a11' })
  @IsOptional() @IsString() @MaxLength(64) targetId?: string;

  @ApiPropertyOptional({ description: 'From this instant (inclusive, ISO 8601).', example: '2026-11-01T00:00:00Z' })
  @IsOptional() @IsInstant() from?: Date;

  @ApiPropertyOptional({ description: 'Until this instant (exclusive, ISO 8601).', example: '2026-12-01T00:00:00Z' })
  @IsOptional() @IsInstant() to?: Date;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' })
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;

  @ApiPropertyOptional({ description: 'Page size (1–500).', default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['api_key', 'admin', 'system'] }) actorType: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'API key id, `admin` or `system`.' }) actorId: string | null;
  @ApiProperty({ example: 'integration.created' }) action: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'integration' }) targetType: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) targetId: string | null;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome: string;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Ids, counts and codes; never PHI or secrets.' }) details: Record<string, unknown>;
  @ApiProperty() createdAt: Date;
}

export class AuditPageDto {
  @ApiProperty({ type: AuditEventDto, isArray: true }) data: AuditEventDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

/** `GET /api/v1/audit-events/export` window. */
export class AuditExportQueryDto {
  @ApiPropertyOptional({ description: 'From (inclusive, ISO 8601).', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  from?: Date;

  @ApiPropertyOptional({ description: 'To (exclusive, ISO 8601).', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  to?: Date;
}

export class AuditChainBreakDto {
  @ApiProperty({ format: 'uuid', description: 'The first event that does not verify.' })
  id: string;

  @ApiProperty({ description: "Its position in the organization's chain (1 = first event).", example: 1042 })
  chainSeq: number;

  @ApiProperty({ enum: ['hash_mismatch', 'link_mismatch', 'gap'], description: 'hash_mismatch: the event was altered; link_mismatch: it does not point at its predecessor; gap: an event before it is missing.' })
  reason: string;
}

export class AuditChainAnchorDto {
  @ApiProperty({ description: 'The first chainSeq verified: the events before it were dropped whole with their partitions (AUDIT_RETENTION_DAYS).', example: 48211 })
  chainSeq: number;

  @ApiProperty({ description: 'The last partition dropped from this chain.', example: 'audit_events_p202001' })
  droppedPartition: string;

  @ApiProperty({ type: String, format: 'date-time' })
  droppedAt: Date;
}

export class AuditVerificationDto {
  @ApiProperty({ description: 'True when every event verifies.' })
  ok: boolean;

  @ApiProperty({ description: 'Events verified before the first broken one (all of them when ok).', example: 5120 })
  checked: number;

  @ApiPropertyOptional({ type: AuditChainBreakDto, nullable: true })
  firstBroken: AuditChainBreakDto | null;

  @ApiPropertyOptional({
    type: AuditChainAnchorDto, nullable: true,
    description: 'Where the chain starts after retention dropped older months: the event at chainSeq must link to the stored hash of the last dropped one. Null while the chain is whole.',
  })
  anchor: AuditChainAnchorDto | null;
}
