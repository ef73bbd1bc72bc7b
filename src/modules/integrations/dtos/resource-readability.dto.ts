import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Whether one resource can be read with the integration's credentials (`POST /integrations/:id/test`). */
export class ResourceReadabilityDto {
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'true: readable; false: a sync would fail this resource (see code); null: not probed (see reason).',
    example: false,
  })
  readable: boolean | null;

  @ApiPropertyOptional({
    enum: ['resource_not_found', 'resource_forbidden'],
    description: 'Set when readable is false: resource_not_found = the table or endpoint does not exist; resource_forbidden = the credentials lack the grant.',
    example: 'resource_not_found',
  })
  code?: string;

  @ApiPropertyOptional({
    description: 'Set when readable is false: which table or endpoint failed, free of PHI.',
    example: 'The OpenDental table patplan does not exist in this database (ER_NO_SUCH_TABLE)',
  })
  message?: string;

  @ApiPropertyOptional({
    description: 'Set when readable is null: why the resource was not probed.',
    example: 'Probing documents needs one request per patient',
  })
  reason?: string;
}
