import { ApiProperty } from '@nestjs/swagger';

export class DecisionOutcomeDto {
  @ApiProperty({ format: 'uuid' })
  pairId: string;

  @ApiProperty({ enum: ['match', 'non_match'] })
  status: 'match' | 'non_match';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'uuid' },
    description: 'The person each record of the pair now belongs to, by record id.',
  })
  personIds: Record<string, string>;
}

export class SplitOutcomeDto {
  @ApiProperty({ format: 'uuid', description: 'The new person of the split record.' })
  personId: string;
}
