import { ApiProperty } from '@nestjs/swagger';
import type { Balance, BalanceAging } from '../../../../canonical';
import { RecordLinkDto } from './datatypes.dto';

/** Amounts by age, in whole currency units (dollars). */
export class BalanceAgingDto implements BalanceAging {
  @ApiProperty({ description: 'Owed 0–30 days.', example: 40, type: Number, nullable: true })
  under30: number | null;

  @ApiProperty({ description: 'Owed 31–60 days.', example: 0, type: Number, nullable: true })
  days31to60: number | null;

  @ApiProperty({ description: 'Owed 61–90 days.', example: 0, type: Number, nullable: true })
  days61to90: number | null;

  @ApiProperty({ description: 'Owed over 90 days.', example: 12.5, type: Number, nullable: true })
  over90: number | null;
}

/**
 * The `data` of a `balances` record: the canonical Balance (src/canonical/balance.ts), a
 * guarantor's account balance after the PMS aging report (FHIR R4 has no Balance resource).
 * Amounts in whole currency units (dollars).
 */
export class BalanceDataDto implements Balance {
  @ApiProperty({ description: 'The guarantor, a `patients` record.', type: RecordLinkDto, nullable: true })
  guarantor: RecordLinkDto | null;

  @ApiProperty({ description: 'The location or clinic of the account.', type: RecordLinkDto, nullable: true })
  location: RecordLinkDto | null;

  @ApiProperty({ description: 'ISO 4217 currency code.', example: 'USD' })
  currency: string;

  @ApiProperty({ description: 'Total balance.', example: 52.5, type: Number, nullable: true })
  total: number | null;

  @ApiProperty({ description: 'Estimated insurance payment.', example: 20, type: Number, nullable: true })
  insuranceEstimate: number | null;

  @ApiProperty({ description: "The guarantor's portion.", example: 32.5, type: Number, nullable: true })
  guarantorPortion: number | null;

  @ApiProperty({ description: 'Estimated write-off.', example: 0, type: Number, nullable: true })
  writeOffEstimate: number | null;

  @ApiProperty({ description: 'Amounts by age.', type: BalanceAgingDto })
  aging: BalanceAgingDto;
}
