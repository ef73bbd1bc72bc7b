import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { AppointmentDataDto } from './canonical/appointment.dto';
import { BalanceDataDto } from './canonical/balance.dto';
import { CoverageDataDto } from './canonical/coverage.dto';
import { AddressDto, ContactPointDto } from './canonical/datatypes.dto';
import { DocumentReferenceDataDto } from './canonical/document-reference.dto';
import { PatientDataDto } from './canonical/patient.dto';
import { PatientLinkDto, RecordSourceDto } from './record.dto';

/**
 * The `GET /api/v1/patients/:id/sources` answer: each source's canonical patient split into
 * sections, and the patient's records by section, each typed with its resource's canonical
 * schema (src/canonical/, typed after FHIR R4).
 */

/** One patient-owned record of a section, whose `data` is `dataDto`. */
function sourceItemOf<D>(dataDto: Type<D>) {
  abstract class SourceItemDto {
    @ApiProperty({ description: 'Our record id.', format: 'uuid', example: '5b1f7c7e-2d7a-4c55-9d0e-2f1f3f4b9a10' })
    id: string;

    @ApiProperty({ description: "The source's id, e.g. an OpenDental AptNum.", example: '3003' })
    externalId: string;

    @ApiProperty({ type: dataDto, description: 'The canonical fields of the record.' })
    data: D;

    @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'The source payload as read.' })
    raw: Record<string, unknown> | null;

    @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'When the source deleted it, or null.' })
    deletedAt: Date | null;
  }
  return SourceItemDto;
}

export class CoverageSourceItemDto extends sourceItemOf(CoverageDataDto) {}
export class AppointmentSourceItemDto extends sourceItemOf(AppointmentDataDto) {}
export class DocumentReferenceSourceItemDto extends sourceItemOf(DocumentReferenceDataDto) {}
export class BalanceSourceItemDto extends sourceItemOf(BalanceDataDto) {}

/** The canonical patient without its contact points and addresses (those have their own sections). */
export class PatientDemographicsDto extends OmitType(PatientDataDto, ['telecom', 'addresses'] as const) {}

/** The patient's contact points. */
export class PatientContactsDto {
  @ApiProperty({ description: 'FHIR ContactPoints: phones ranked 1..n, e-mail.', type: ContactPointDto, isArray: true })
  telecom: ContactPointDto[];
}

export class SourceSectionsDto {
  @ApiProperty({ type: PatientDemographicsDto, description: 'Names, birth date, gender, status and the other person fields.' })
  demographics: PatientDemographicsDto;

  @ApiProperty({ type: PatientContactsDto, description: 'Phones and e-mail.' })
  contacts: PatientContactsDto;

  @ApiProperty({ type: AddressDto, isArray: true, description: 'Postal addresses.' })
  addresses: AddressDto[];

  @ApiProperty({ type: CoverageSourceItemDto, isArray: true, description: 'Insurance coverages.' })
  coverages: CoverageSourceItemDto[];

  @ApiProperty({ type: AppointmentSourceItemDto, isArray: true, description: 'Newest first, at most 200.' })
  appointments: AppointmentSourceItemDto[];

  @ApiProperty({ type: DocumentReferenceSourceItemDto, isArray: true, description: 'Document metadata.' })
  documents: DocumentReferenceSourceItemDto[];

  @ApiProperty({ type: BalanceSourceItemDto, isArray: true, description: 'Balances (for example NexHealth guarantor_balances).' })
  financials: BalanceSourceItemDto[];
}

export class PatientSourceDto {
  @ApiProperty({ format: 'uuid', description: "This source's patient record.", example: '5b1f7c7e-2d7a-4c55-9d0e-2f1f3f4b9a10' })
  patientId: string;

  @ApiProperty({ type: RecordSourceDto, description: 'Where the patient was read from.' })
  source: RecordSourceDto;

  @ApiPropertyOptional({ type: PatientLinkDto, nullable: true, description: 'The link to the root patient, or null for the root.' })
  link: PatientLinkDto | null;

  @ApiProperty({ type: SourceSectionsDto, description: "This source's data in sections." })
  sections: SourceSectionsDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'The source patient payload as read (no SSN).' })
  raw: Record<string, unknown> | null;
}

export class PatientSourcesDto {
  @ApiProperty({ format: 'uuid', description: 'The root patient: the one the others are linked to.', example: '5b1f7c7e-2d7a-4c55-9d0e-2f1f3f4b9a10' })
  patientId: string;

  @ApiProperty({ type: PatientSourceDto, isArray: true, description: 'The root first, then linked patients in link order.' })
  sources: PatientSourceDto[];
}
