import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { AppointmentDataDto } from './canonical/appointment.dto';
import { PatientDataDto } from './canonical/patient.dto';

/** Who made a local edit. */
export class EditActorDto {
  @ApiProperty({ enum: ['api_key', 'system'], description: 'api_key: a client edit; system: a conflict resolution applied by the hub.' })
  actorType: 'api_key' | 'system';

  @ApiProperty({ description: 'The API key id (or `system`).', example: '3f0c2a9e-6b1d-4c8e-9a7f-2d5e8b1c4a60' })
  actorId: string;
}

/** One locally edited field of a record: the local value served, the source's current value and the base the edit started from. */
export class FieldEditDto {
  @ApiProperty({ description: 'The local value (what `data` shows for this field).', example: [{ system: 'phone', value: '503-555-0199', use: 'mobile', rank: 1 }] })
  local: unknown;

  @ApiProperty({ description: "The source's current value of the field (kept as synced).", example: [{ system: 'phone', value: '503-555-0101', use: 'mobile', rank: 1 }] })
  source: unknown;

  @ApiProperty({ description: 'The source value when the edit was made (the base of a three-way conflict).', example: [{ system: 'phone', value: '503-555-0101', use: 'mobile', rank: 1 }] })
  base: unknown;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the base value was last synced.' })
  baseAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the field was edited.' })
  editedAt: string;

  @ApiProperty({ type: EditActorDto })
  editedBy: EditActorDto;
}

/**
 * Body of `PATCH /api/v1/patients/:id`: any of the canonical Patient fields (whole top-level
 * values: a `telecom` edit sends the whole list). The source's verbatim codes and keys are read-only.
 */
export class PatientEditDto extends PartialType(OmitType(PatientDataDto, ['sourceStatus', 'identifiers', 'ssnLast4'] as const)) {}

/** Body of `PATCH /api/v1/appointments/:id`: any canonical Appointment field but the vendor's codes and the patient links. */
export class AppointmentEditDto extends PartialType(OmitType(AppointmentDataDto, ['sourceStatus', 'sourceConfirmation', 'patient', 'participants'] as const)) {}
