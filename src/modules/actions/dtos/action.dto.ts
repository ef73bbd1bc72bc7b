import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../../../common/calendar';
import { ACTION_TYPES } from '../../../providers/provider-adapter';

export class ActionCreateDto {
  @ApiProperty({ enum: ACTION_TYPES, description: 'What to do at the vendor.' })
  @IsIn(ACTION_TYPES as unknown as string[])
  type: string;

  @ApiProperty({
    type: 'object', additionalProperties: true,
    description: 'Fields of the action type (create_appointment: patientExternalId, locationExternalId, start, durationMinutes, providerExternalId?, note?; see the README).',
    example: { patientExternalId: '1042', locationExternalId: '3', start: '2026-12-01T15:00:00Z', durationMinutes: 40 },
  })
  @IsObject()
  payload: Record<string, unknown>;
}

export class ActionQueryDto {
  @ApiPropertyOptional({ description: 'Answer 202 at once and run the action on the `actions` queue with retries.', default: false })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  async?: boolean;
}

export class ActionResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty({ enum: ACTION_TYPES }) type: string;
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'failed'] }) status: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: "The vendor's answer, e.g. { appointmentExternalId, appointmentId }." })
  result: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorCode: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) errorMessage: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) completedAt: Date | null;
}

export class SlotQueryDto {
  @ApiProperty({ description: 'First office-local day (yyyy-MM-dd).', example: '2026-12-01' })
  @IsCalendarDate() dateStart: string;
  @ApiProperty({ description: 'Last office-local day, inclusive (yyyy-MM-dd).', example: '2026-12-05' })
  @IsCalendarDate() dateEnd: string;
  @ApiPropertyOptional({ description: 'Only blocks at least this long (minutes).', example: 30 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(5) @Max(540) lengthMinutes?: number;
  @ApiPropertyOptional({ description: 'Our provider id.' }) @IsOptional() @IsUUID() providerId?: string;
  @ApiPropertyOptional({ description: 'Our location (operatory) id.' }) @IsOptional() @IsUUID() operatoryId?: string;
}

class SlotDto {
  @ApiProperty({ format: 'date-time' }) start: string;
  @ApiProperty({ format: 'date-time' }) end: string;
  @ApiPropertyOptional({ nullable: true, type: String }) locationExternalId: string | null;
}

class SlotDayDto {
  @ApiProperty({ example: '2026-12-01', description: 'Office-local day.' }) date: string;
  @ApiProperty({ type: SlotDto, isArray: true }) slots: SlotDto[];
}

export class SlotProviderDto {
  @ApiPropertyOptional({ nullable: true, type: String }) providerExternalId: string | null;
  @ApiProperty({ type: SlotDayDto, isArray: true }) days: SlotDayDto[];
}
