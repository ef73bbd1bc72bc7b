import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsCalendarDate, IsInstant } from '../../../common/calendar';
import { RESOURCE_ORDER } from '../../../canonical';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Query parameters shared by every record list. */
export class RecordListQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() integrationId?: string;
  @ApiPropertyOptional({ description: "The source's id, e.g. an OpenDental PatNum.", example: '1042' }) @IsOptional() @IsString() @MaxLength(100) externalId?: string;
  @ApiPropertyOptional({ description: 'Include records deleted at the source.', default: false }) @IsOptional() @Transform(toBool) @IsBoolean() includeDeleted?: boolean;
  @ApiPropertyOptional({ description: 'Only records changed at or after this instant; pages then follow (updatedAt, id).', example: '2026-11-01T00:00:00Z' })
  @IsOptional() @IsInstant() updatedSince?: Date;
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page.' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class PatientListQueryDto extends RecordListQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive match on first, preferred or last name.', example: 'obrien' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ description: 'yyyy-MM-dd', example: '1984-03-09' }) @IsOptional() @IsCalendarDate() birthDate?: string;
}

/** Filters of resources that belong to a patient (appointments, coverages, documents, balances). */
export class PatientRecordListQueryDto extends RecordListQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Our patient id (the `id` of a /patients record).',
    example: '5b1f7c7e-2d7a-4c55-9d0e-2f1f3f4b9a10',
  })
  @IsOptional()
  @IsUUID()
  patientId?: string;
}

export class AppointmentListQueryDto extends PatientRecordListQueryDto {
  @ApiPropertyOptional({ description: 'Start at or after (ISO 8601).', example: '2026-11-01T00:00:00Z' }) @IsOptional() @IsInstant() from?: Date;
  @ApiPropertyOptional({ description: 'Start before (ISO 8601).', example: '2026-12-01T00:00:00Z' }) @IsOptional() @IsInstant() to?: Date;
  @ApiPropertyOptional({ enum: ['proposed', 'booked', 'fulfilled', 'cancelled', 'noshow', 'waitlist'], description: 'FHIR Appointment.status code.' })
  @IsOptional() @IsIn(['proposed', 'booked', 'fulfilled', 'cancelled', 'noshow', 'waitlist']) status?: string;
}

export class RecordSourceDto {
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ example: 'opendental-db' }) vendor: string;
  @ApiProperty({ example: '1042' }) externalId: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The source's own change stamp, verbatim (e.g. DateTStamp)." }) sourceUpdatedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: "The integration's last completed sync, which confirmed this record current." }) lastSyncedAt: Date | null;
}

/**
 * The fields every stored record carries in a response, except `data` (typed per resource in
 * resource-records.dto.ts, so the OpenAPI document shows each resource's canonical schema).
 */
export abstract class RecordBaseDto {
  @ApiProperty({ description: 'Our record id.', format: 'uuid', example: '5b1f7c7e-2d7a-4c55-9d0e-2f1f3f4b9a10' })
  id: string;

  @ApiProperty({ description: 'The canonical resource type.', example: 'patients', enum: RESOURCE_ORDER })
  resourceType: string;

  @ApiProperty({ description: 'The integration the record was read from.', format: 'uuid', example: '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f' })
  integrationId: string;

  @ApiProperty({ description: "The source's id, e.g. an OpenDental PatNum.", example: '1042' })
  externalId: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'Our patient id (appointments and other patient-owned records).' })
  patientId?: string | null;

  @ApiProperty({ description: 'Incremented on every change.', example: 1 })
  version: number;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'When the source deleted it, or null.' })
  deletedAt: Date | null;

  @ApiProperty({ description: 'When the store first saw it.', type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ description: 'When the store last changed it.', type: String, format: 'date-time' })
  updatedAt: Date;

  @ApiProperty({ type: RecordSourceDto })
  source: RecordSourceDto;
}

export class PatientContextDto {
  @ApiProperty({ format: 'uuid' }) patientId: string;
  @ApiProperty({ description: 'Markdown: contact data, providers, upcoming and recent appointments. Never the SSN.', example: '# Liz Taylor\n- Birth date: 1984-03-09\n…' })
  markdown: string;
}

export class PatientLinkDto {
  @ApiProperty({ format: 'uuid', description: 'The patient (from another source of the organization) this one was matched to.' }) patientId: string;
  @ApiProperty({ enum: ['external_id', 'name_birthdate'], description: "external_id: the source's foreign id equals the other patient's external id (or the reverse); name_birthdate: same normalised legal first name, last name and birth date." })
  reason: string;
  @ApiProperty({ type: String, format: 'date-time' }) linkedAt: Date;
}
