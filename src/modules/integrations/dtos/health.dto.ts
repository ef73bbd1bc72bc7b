import { ApiProperty } from '@nestjs/swagger';

/** Every `healthStatus` value (see integration.entity.ts `HealthStatus`). */
export const HEALTH_STATUSES = ['unknown', 'healthy', 'unhealthy', 'stale', 'degraded'];

/** What each `healthStatus` means, for the OpenAPI document. */
export const HEALTH_DESCRIPTION = '`unhealthy`: the last connection test or sync failed. `stale`: enabled, and the last successful sync is older '
  + 'than freshnessSlaMinutes. `degraded`: the connection works, but the last full sync\'s source counts disagreed with the '
  + 'records stored (countMismatch; cleared by a full sync whose counts agree).';

export class ResourceCountMismatchDto {
  @ApiProperty({ example: 'patients' }) resource: string;
  @ApiProperty({ description: 'Live records the source counted.', example: 4950 }) sourceCount: number;
  @ApiProperty({ description: 'Live records the hub stored.', example: 4949 }) stored: number;
}

export class CountMismatchStateDto {
  @ApiProperty({ format: 'uuid', description: 'The full sync job whose counts disagreed.' }) syncJobId: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'Counts disagree after full sync 3f1c…: patients (source 4950, stored 4949)' }) message: string;
  @ApiProperty({ type: ResourceCountMismatchDto, isArray: true }) resources: ResourceCountMismatchDto[];
}
