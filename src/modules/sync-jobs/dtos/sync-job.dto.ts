import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInstant } from '../../../common/calendar';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { RESOURCE_ORDER, ResourceType } from '../../../providers/provider-adapter';
import { SYNC_DIRECTIONS, SyncDirection } from '../sync-job.entity';

const STATUSES = ['queued', 'running', 'succeeded', 'partially_succeeded', 'failed', 'cancelled'];

export class SyncJobCreateDto {
  @ApiProperty({ format: 'uuid', description: 'Integration to sync.' })
  @IsUUID()
  integrationId: string;

  @ApiProperty({ enum: ['full', 'incremental'], description: 'full = read everything (continuing an unfinished pass); incremental = changes since the last checkpoint.' })
  @IsIn(['full', 'incremental'])
  mode: 'full' | 'incremental';

  @ApiPropertyOptional({ enum: RESOURCE_ORDER, isArray: true, description: "Resources to sync (default: all the vendor supports)." })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(RESOURCE_ORDER.length) @IsIn(RESOURCE_ORDER as string[], { each: true })
  resources?: ResourceType[];

  @ApiPropertyOptional({ description: 'Cap on source rows per resource for this run; the next run continues where it stopped.', minimum: 1, maximum: 10000000 })
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000)
  limit?: number;

  @ApiPropertyOptional({
    enum: SYNC_DIRECTIONS, default: 'inbound',
    description: 'inbound: read the vendor; outbound: write local edits back to it (where its adapter updates patients); bidirectional: read, then write back.',
  })
  @IsOptional()
  @IsIn(SYNC_DIRECTIONS as unknown as string[])
  direction?: SyncDirection;
}

export class SyncJobQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() integrationId?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: 'queued' | 'running' | 'succeeded' | 'partially_succeeded' | 'failed' | 'cancelled';
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class SyncStatisticsQueryDto {
  @ApiPropertyOptional({ description: 'From (inclusive).', example: '2026-11-01T00:00:00Z' }) @IsOptional() @IsInstant() from?: Date;
  @ApiPropertyOptional({ description: 'To (exclusive).', example: '2026-12-01T00:00:00Z' }) @IsOptional() @IsInstant() to?: Date;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() integrationId?: string;
}

export class ResourceProgressDto {
  @ApiProperty({ description: 'Source rows read.' }) fetched: number;
  @ApiProperty() added: number;
  @ApiProperty() updated: number;
  @ApiProperty({ description: 'Same content hash as stored: not rewritten.' }) unchanged: number;
  @ApiProperty({ description: 'Not stored, with a reason in /errors (e.g. missing_birthdate).' }) skipped: number;
  @ApiProperty({ description: 'Marked deleted in our store.' }) deleted: number;
  @ApiProperty() failed: number;
  @ApiPropertyOptional({ description: 'Live records stored for this resource after the run (count reconciliation).' }) stored?: number;
  @ApiPropertyOptional({
    enum: ['full', 'incremental', 'reconciliation'], example: 'incremental',
    description: 'full = read from the start; incremental = from the checkpoint; reconciliation = the periodic full pass an incremental job makes to find hard deletes (reconcileIntervalHours).',
  }) pass?: string;
  @ApiPropertyOptional({ description: 'Records a complete full pass no longer saw at the source, marked deleted (included in deleted).' }) reconciledDeletes?: number;

  @ApiPropertyOptional({
    description: 'Full jobs, where the vendor can count cheaply (OpenDental database: one COUNT(*) with the read\'s filters): '
      + 'the live records the source holds, counted before the read. Differs from stored: see countMismatches.',
    example: 4950,
  })
  sourceCount?: number;
  @ApiProperty({ description: 'This resource is finished in this job.' }) done: boolean;

  @ApiPropertyOptional({
    enum: ['completed', 'failed'],
    description: 'Set when done: completed = read to the end; failed = the source could not be read (the job then ends partially_succeeded).',
    example: 'completed',
  })
  outcome?: string;

  @ApiPropertyOptional({
    enum: ['resource_not_found', 'resource_forbidden'],
    description: 'Set when outcome is failed: resource_not_found = table or endpoint missing; resource_forbidden = the credentials lack the grant.',
    example: 'resource_not_found',
  })
  errorCode?: string;

  @ApiPropertyOptional({
    description: 'Set when outcome is failed: which table or endpoint, free of PHI.',
    example: 'The OpenDental table patplan does not exist in this database (ER_NO_SUCH_TABLE)',
  })
  errorMessage?: string;
}

export class CountMismatchDto {
  @ApiProperty({ example: 'patients' }) resource: string;
  @ApiProperty({ description: 'Live records the source counted (progress[resource].sourceCount).', example: 4950 }) sourceCount: number;
  @ApiProperty({ description: 'Live records stored after the job (progress[resource].stored).', example: 4949 }) stored: number;
}

/** The outbound part of a job: local edits written back to the vendor (docs/conflicts.md). */
export class OutboundProgressDto {
  @ApiProperty({ description: 'Records with local edits looked at.' }) records: number;
  @ApiProperty({ description: 'Written and read back: the vendor holds the values, the local edits are dropped.' }) written: number;
  @ApiProperty({ description: 'Refused by the vendor or read back with another value: the local edits stay.' }) refused: number;
  @ApiProperty({ description: 'Nothing to push: only fields with an open conflict, or none the vendor takes.' }) skipped: number;
  @ApiProperty() done: boolean;
}

export class SyncJobResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ enum: ['full', 'incremental'] }) mode: string;
  @ApiProperty({ enum: SYNC_DIRECTIONS }) direction: string;
  @ApiPropertyOptional({ type: OutboundProgressDto, nullable: true, description: 'Counts of the outbound push; null for an inbound job.' }) outbound: OutboundProgressDto | null;
  @ApiProperty({ enum: ['api', 'retry', 'schedule', 'webhook'] }) trigger: string;
  @ApiProperty({ type: [String] }) resources: string[];
  @ApiPropertyOptional({ nullable: true, type: Number }) limit: number | null;
  @ApiProperty({ enum: STATUSES, description: 'partially_succeeded: some records failed, or some resources could not be read (see progress[resource].outcome).' }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ResourceProgressDto' }, example: { patients: { fetched: 5000, added: 4950, updated: 0, unchanged: 0, skipped: 50, deleted: 0, failed: 0, done: true } } })
  progress: Record<string, ResourceProgressDto>;
  @ApiProperty({
    type: CountMismatchDto, isArray: true,
    description: 'Count reconciliation warning: resources of a full job whose source count and stored live records differ '
      + '(empty when they agree, or nothing was counted). A non-empty list sets the integration\'s healthStatus to degraded '
      + 'until a full sync agrees.',
  })
  countMismatches: CountMismatchDto[];
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, type: String }) errorCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorMessage: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) retryOf: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) cancelRequestedAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) finishedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Run time in milliseconds.' }) durationMs: number | null;
}

export class SyncJobPageDto {
  @ApiProperty({ type: SyncJobResponseDto, isArray: true }) data: SyncJobResponseDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class SyncJobErrorDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'patients' }) resource: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The source's id of the record (e.g. PatNum)." }) externalId: string | null;
  @ApiProperty({ enum: ['failed', 'skipped'] }) kind: string;
  @ApiProperty({ example: 'missing_birthdate' }) code: string;
  @ApiProperty({ description: 'Free of PHI.' }) message: string;
  @ApiProperty() createdAt: Date;
}

export class SyncJobErrorPageDto {
  @ApiProperty({ type: SyncJobErrorDto, isArray: true }) data: SyncJobErrorDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor: string | null;
}

export class SyncStatisticsDto {
  @ApiProperty({ example: '2026-11-22' }) day: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty() jobs: number;
  @ApiProperty() succeeded: number;
  @ApiProperty() failed: number;
  @ApiProperty() recordsProcessed: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Milliseconds.' }) averageDurationMs: number | null;
}
