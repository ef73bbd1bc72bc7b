import { ApiProperty } from '@nestjs/swagger';
import { Practitioner, PRACTITIONER_STATUS, PractitionerStatus } from '../../../../canonical';
import { ContactPointDto, HumanNameDto, IdentifierDto } from './datatypes.dto';

/**
 * The `data` of a `providers` record: the canonical Practitioner (src/canonical/practitioner.ts),
 * after FHIR R4 Practitioner (http://hl7.org/fhir/R4/practitioner.html).
 */
export class PractitionerDataDto implements Practitioner {
  @ApiProperty({ description: 'Names, `official` first.', type: HumanNameDto, isArray: true })
  names: HumanNameDto[];

  @ApiProperty({ description: 'First and family name, for lists.', example: 'Alice Smith', type: String, nullable: true })
  displayName: string | null;

  @ApiProperty({ description: 'National Provider Identifier (10 digits).', example: '1234567893', type: String, nullable: true })
  npi: string | null;

  @ApiProperty({ description: 'NPI and source keys.', type: IdentifierDto, isArray: true })
  identifiers: IdentifierDto[];

  @ApiProperty({ description: 'Phones and e-mail.', type: ContactPointDto, isArray: true })
  telecom: ContactPointDto[];

  @ApiProperty({ description: 'Practitioner status (`deleted` = removed at the source).', example: 'active', enum: PRACTITIONER_STATUS })
  status: PractitionerStatus;

  @ApiProperty({ description: "The vendor's own status code, verbatim.", example: 'Active', type: String, nullable: true })
  sourceStatus: string | null;

  @ApiProperty({ description: 'NUCC taxonomy code.', example: '1223G0001X', type: String, nullable: true })
  specialtyCode: string | null;

  @ApiProperty({ description: 'A hygienist rather than a dentist or physician.', example: false })
  isHygienist: boolean;

  @ApiProperty({ description: 'Short name on the schedule (OpenDental Abbr).', example: 'DOC1', type: String, nullable: true })
  abbreviation: string | null;

  @ApiProperty({ description: "Hidden from the practice's own pick lists.", example: false })
  isHidden: boolean;

  @ApiProperty({ description: '`yyyy-MM-dd` the provider stopped practising here.', example: '2026-06-30', type: String, format: 'date', nullable: true })
  terminationDate: string | null;
}
