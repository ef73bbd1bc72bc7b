import { ApiProperty } from '@nestjs/swagger';

/** Counts of a reapply run so far. */
export class TransformationRunProgressDto {
  @ApiProperty({ description: 'Stored records read back.' }) read: number;
  @ApiProperty({ description: 'Records whose data changed and were rewritten (version bumped).' }) rewritten: number;
  @ApiProperty({ description: 'Records the mapper and rules give exactly as stored (content hash equal): not rewritten.' }) unchanged: number;
  @ApiProperty({ description: 'Records without raw or that the mapper no longer maps: left as stored.' }) kept: number;
  @ApiProperty({ description: 'Records a rule failed: left as stored.' }) failed: number;
}

/** A reapply run on the data-transformation queue. */
export class TransformationRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'partially_succeeded', 'failed'] }) status: 'queued' | 'running' | 'succeeded' | 'partially_succeeded' | 'failed';
  @ApiProperty({ type: TransformationRunProgressDto }) progress: TransformationRunProgressDto;
  @ApiProperty({ nullable: true }) errorMessage: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
}
