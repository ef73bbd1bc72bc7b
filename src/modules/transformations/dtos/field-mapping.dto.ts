import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { RESOURCE_ORDER, ResourceType } from '../../../canonical';

/** Body of `POST /integrations/:id/field-mappings`. */
export class FieldMappingCreateDto {
  @ApiProperty({ enum: RESOURCE_ORDER }) @IsIn(RESOURCE_ORDER as string[]) resourceType: ResourceType;
  @ApiProperty({ description: 'Canonical field path, not through a list (e.g. preferredName).', example: 'preferredName' })
  @IsString() @MaxLength(200) target: string;
  @ApiProperty({ description: 'A path in the source record `raw` (e.g. Preferred) or a JSONata expression over it.', example: 'Preferred' })
  @IsString() @MaxLength(4000) source: string;
}

/** A stored field mapping. */
export class FieldMappingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ enum: RESOURCE_ORDER }) resourceType: ResourceType;
  @ApiProperty() target: string;
  @ApiProperty() source: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
