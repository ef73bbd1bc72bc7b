import { ApiProperty } from '@nestjs/swagger';
import {
  ADMINISTRATIVE_GENDER, AdministrativeGender, MARITAL_STATUS, MaritalStatus, Patient, PATIENT_STATUS, PatientStatus,
} from '../../../../canonical';
import { AddressDto, ContactPointDto, HumanNameDto, IdentifierDto, RecordLinkDto } from './datatypes.dto';

/**
 * The `data` of a `patients` record: the canonical Patient (src/canonical/patient.ts), after
 * FHIR R4 Patient (http://hl7.org/fhir/R4/patient.html). Never a full SSN.
 */
export class PatientDataDto implements Patient {
  @ApiProperty({ description: '`official` (legal) first; a `usual` entry carries the preferred first name.', type: HumanNameDto, isArray: true })
  names: HumanNameDto[];

  @ApiProperty({ description: 'The name the patient goes by (OpenDental Preferred).', example: 'Liz', type: String, nullable: true })
  preferredName: string | null;

  @ApiProperty({ description: 'Preferred (or legal) first name and family name, for lists.', example: 'Liz Taylor', type: String, nullable: true })
  displayName: string | null;

  @ApiProperty({ description: '`yyyy-MM-dd`.', example: '1984-03-09', type: String, format: 'date', nullable: true })
  birthDate: string | null;

  @ApiProperty({ description: 'FHIR AdministrativeGender.', example: 'female', enum: ADMINISTRATIVE_GENDER, nullable: true })
  gender: AdministrativeGender | null;

  @ApiProperty({ description: 'Our vendor-neutral patient status.', example: 'active', enum: PATIENT_STATUS, nullable: true })
  status: PatientStatus | null;

  @ApiProperty({ description: "The vendor's own status code, verbatim (OpenDental PatStatus name…).", example: 'Patient', type: String, nullable: true })
  sourceStatus: string | null;

  @ApiProperty({ description: 'Phones (ranked, 1 first) and e-mail.', type: ContactPointDto, isArray: true })
  telecom: ContactPointDto[];

  @ApiProperty({ description: 'Postal addresses.', type: AddressDto, isArray: true })
  addresses: AddressDto[];

  @ApiProperty({ description: "MRN / chart number, Medicaid id, the source's key. Never a full SSN.", type: IdentifierDto, isArray: true })
  identifiers: IdentifierDto[];

  @ApiProperty({ description: 'Last four digits of the SSN.', example: '6789', type: String, nullable: true })
  ssnLast4: string | null;

  @ApiProperty({ description: 'The patient has died.', example: false })
  deceased: boolean;

  @ApiProperty({ description: 'Instant of death when known (UTC).', example: '2026-01-02T10:00:00.000Z', type: String, nullable: true })
  deceasedDateTime: string | null;

  @ApiProperty({ description: 'FHIR v3-MaritalStatus code.', example: 'M', enum: MARITAL_STATUS, nullable: true })
  maritalStatus: MaritalStatus | null;

  @ApiProperty({ description: 'Preferred language as the source spells it (ISO 639 code or name).', example: 'en', type: String, nullable: true })
  language: string | null;

  @ApiProperty({ description: 'Primary provider (FHIR generalPractitioner), a `providers` record.', type: RecordLinkDto, nullable: true })
  primaryProvider: RecordLinkDto | null;

  @ApiProperty({ description: 'Managing location or clinic, a `locations` record or a source clinic key.', type: RecordLinkDto, nullable: true })
  primaryLocation: RecordLinkDto | null;

  @ApiProperty({ description: 'The person responsible for the account, a `patients` record.', type: RecordLinkDto, nullable: true })
  guarantor: RecordLinkDto | null;

  @ApiProperty({ description: 'First visit date, `yyyy-MM-dd`.', example: '2019-06-01', type: String, format: 'date', nullable: true })
  firstVisitDate: string | null;
}
