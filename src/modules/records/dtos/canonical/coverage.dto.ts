import { ApiProperty } from '@nestjs/swagger';
import {
  Coverage, COVERAGE_STATUS, COVERAGE_TYPE, CoverageStatus, CoverageType, Payer, SUBSCRIBER_RELATIONSHIP, SubscriberRelationship,
} from '../../../../canonical';
import { AddressDto, PeriodDto, RecordLinkDto } from './datatypes.dto';

/** The insurer paying a coverage (FHIR Coverage.payor). */
export class PayerDto implements Payer {
  @ApiProperty({ description: "The source's carrier key.", example: '7', type: String, nullable: true })
  externalId: string | null;

  @ApiProperty({ description: 'Carrier name.', example: 'Delta Dental', type: String, nullable: true })
  name: string | null;

  @ApiProperty({ description: 'Payer id for electronic claims (EDI).', example: '12345', type: String, nullable: true })
  electronicId: string | null;

  @ApiProperty({ description: 'Phone as the source spells it.', example: '800-555-0199', type: String, nullable: true })
  phone: string | null;

  @ApiProperty({ description: 'Postal address.', type: AddressDto, nullable: true })
  address: AddressDto | null;
}

/**
 * The `data` of a `coverages` record: the canonical Coverage (src/canonical/coverage.ts), after
 * FHIR R4 Coverage (http://hl7.org/fhir/R4/coverage.html).
 */
export class CoverageDataDto implements Coverage {
  @ApiProperty({ description: 'FHIR FinancialResourceStatusCodes.', example: 'active', enum: COVERAGE_STATUS })
  status: CoverageStatus;

  @ApiProperty({ description: 'Kind of coverage.', example: 'dental', enum: COVERAGE_TYPE, nullable: true })
  type: CoverageType | null;

  @ApiProperty({ description: 'The patient covered (FHIR beneficiary).', type: RecordLinkDto, nullable: true })
  beneficiary: RecordLinkDto | null;

  @ApiProperty({ description: 'The policy holder, a `patients` record.', type: RecordLinkDto, nullable: true })
  subscriber: RecordLinkDto | null;

  @ApiProperty({ description: "The holder's id at the payer.", example: 'SUB-1', type: String, nullable: true })
  subscriberId: string | null;

  @ApiProperty({ description: "The beneficiary's member id when it differs from the subscriber's.", example: 'MEM-2', type: String, nullable: true })
  memberId: string | null;

  @ApiProperty({ description: 'FHIR SubscriberRelationshipCodes.', example: 'self', enum: SUBSCRIBER_RELATIONSHIP, nullable: true })
  relationship: SubscriberRelationship | null;

  @ApiProperty({ description: "The vendor's own relationship code, verbatim.", example: 'Self', type: String, nullable: true })
  sourceRelationship: string | null;

  @ApiProperty({ description: '1 = primary, 2 = secondary… (FHIR Coverage.order).', example: 1, type: Number, nullable: true })
  order: number | null;

  @ApiProperty({ description: 'Coverage period (dates).', type: PeriodDto })
  period: PeriodDto;

  @ApiProperty({ description: 'The insurer.', type: PayerDto })
  payer: PayerDto;

  @ApiProperty({ description: 'Employer group name (FHIR Coverage.class `group`).', example: 'Acme', type: String, nullable: true })
  groupName: string | null;

  @ApiProperty({ description: 'Employer group number.', example: 'G-1', type: String, nullable: true })
  groupNumber: string | null;

  @ApiProperty({ description: "The source's plan key.", type: RecordLinkDto, nullable: true })
  plan: RecordLinkDto | null;

  @ApiProperty({ description: 'Plan kind as the source names it (ppo, hmo, capitation…).', example: 'ppo', type: String, nullable: true })
  planType: string | null;

  @ApiProperty({ description: 'Benefits are paid to the practice.', example: true, type: Boolean, nullable: true })
  assignmentOfBenefits: boolean | null;

  @ApiProperty({ description: 'The patient has released information to the payer.', example: true, type: Boolean, nullable: true })
  releaseOfInformation: boolean | null;
}
