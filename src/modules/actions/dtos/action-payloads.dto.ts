import { Type } from 'class-transformer';
import {
  IsBoolean, IsEmail, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested,
  ValidatorConstraint, ValidatorConstraintInterface, Validate,
} from 'class-validator';

/** Rejects instants that are not in the future (a booking in the past). */
@ValidatorConstraint({ name: 'isFuture' })
class IsFuture implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && Date.parse(value) > Date.now();
  }

  defaultMessage(): string {
    return '$property must be in the future';
  }
}

/** Rejects dates after today (a birth date in the future). */
@ValidatorConstraint({ name: 'isPastDate' })
class IsPastDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value <= new Date().toISOString().slice(0, 10);
  }

  defaultMessage(): string {
    return '$property must not be in the future';
  }
}

const ID = /^[A-Za-z0-9_.-]{1,100}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class AddressPayload {
  @IsOptional() @IsString() @MaxLength(100) line1?: string;
  @IsOptional() @IsString() @MaxLength(100) line2?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
  @IsOptional() @IsString() @MaxLength(100) state?: string;
  @IsOptional() @Matches(/^(\d{5}(-\d{4})?|\d{9}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$/, { message: 'postalCode must look like 12345, 12345-1234, 123456789 or A0A 0A0' }) postalCode?: string;
}

/** `create_patient`: vendors need a last and a first name; we also require a birth date to match duplicates. */
export class CreatePatientPayload {
  @IsString() @IsNotEmpty() @MaxLength(100) firstName: string;
  @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  @Matches(DATE, { message: 'birthDate must be yyyy-MM-dd' }) @Validate(IsPastDate) birthDate: string;
  @IsOptional() @IsString() @MaxLength(100) middleInitial?: string;
  @IsOptional() @IsString() @MaxLength(100) preferredName?: string;
  @IsOptional() @IsIn(['male', 'female', 'unknown']) gender?: 'male' | 'female' | 'unknown';
  @IsOptional() @IsEmail() @MaxLength(100) email?: string;
  @IsOptional() @Matches(/^[0-9()+\-. ]{7,30}$/, { message: 'phone must be a phone number' }) phone?: string;
  @IsOptional() @ValidateNested() @Type(() => AddressPayload) address?: AddressPayload;
}

/** `create_appointment`: the vendor's patient and chair (operatory) ids, a future start, a length in 5-minute steps. */
export class CreateAppointmentPayload {
  @Matches(ID, { message: 'patientExternalId (the vendor patient id, e.g. PatNum) is required' }) patientExternalId: string;
  @Matches(ID, { message: 'locationExternalId (the vendor operatory or chair id) is required' }) locationExternalId: string;
  @IsISO8601({ strict: true }) @Validate(IsFuture) start: string;
  @IsInt() @Min(5) @Max(540) durationMinutes: number;
  @IsOptional() @Matches(ID) providerExternalId?: string;
  @IsOptional() @IsString() @MaxLength(255) note?: string;
}

export class ConfirmAppointmentPayload {
  @Matches(ID, { message: 'appointmentExternalId (e.g. AptNum) is required' }) appointmentExternalId: string;
  @IsIn(['none', 'sent', 'confirmed', 'not_accepted', 'failed']) confirmation: 'none' | 'sent' | 'confirmed' | 'not_accepted' | 'failed';
}

export class CancelAppointmentPayload {
  @Matches(ID, { message: 'appointmentExternalId (e.g. AptNum) is required' }) appointmentExternalId: string;
  @IsOptional() @IsIn(['cancelled', 'missed']) reason?: 'cancelled' | 'missed';
  @IsOptional() @IsBoolean() sendToUnscheduledList?: boolean;
}

export class RescheduleAppointmentPayload {
  @Matches(ID, { message: 'appointmentExternalId (e.g. AptNum) is required' }) appointmentExternalId: string;
  @IsISO8601({ strict: true }) @Validate(IsFuture) start: string;
  @IsOptional() @IsInt() @Min(5) @Max(540) durationMinutes?: number;
  @IsOptional() @Matches(ID) locationExternalId?: string;
  @IsOptional() @Matches(ID) providerExternalId?: string;
}

export class AddAppointmentNotePayload {
  @Matches(ID, { message: 'appointmentExternalId (e.g. AptNum) is required' }) appointmentExternalId: string;
  @IsString() @IsNotEmpty() @MaxLength(2000) note: string;
}

/**
 * `update_patient`: the given fields of the vendor's patient; the others are left as they are.
 * `""` clears a field (not the names). Phones by use, as the canonical telecom has them.
 */
export class UpdatePatientPayload {
  @Matches(ID, { message: 'patientExternalId (the vendor patient id, e.g. PatNum) is required' }) patientExternalId: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) firstName?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) lastName?: string;
  @IsOptional() @IsString() @MaxLength(100) preferredName?: string;
  @IsOptional() @Matches(DATE, { message: 'birthDate must be yyyy-MM-dd' }) @Validate(IsPastDate) birthDate?: string;
  @IsOptional() @IsIn(['male', 'female', 'unknown']) gender?: 'male' | 'female' | 'unknown';
  @IsOptional() @IsString() @MaxLength(100) email?: string;
  @IsOptional() @Matches(/^([0-9()+\-. ]{7,30})?$/, { message: 'mobilePhone must be a phone number or ""' }) mobilePhone?: string;
  @IsOptional() @Matches(/^([0-9()+\-. ]{7,30})?$/, { message: 'homePhone must be a phone number or ""' }) homePhone?: string;
  @IsOptional() @Matches(/^([0-9()+\-. ]{7,30})?$/, { message: 'workPhone must be a phone number or ""' }) workPhone?: string;
  @IsOptional() @ValidateNested() @Type(() => AddressPayload) address?: AddressPayload;
  @IsOptional() @IsString() @MaxLength(100) language?: string;
}

/** The payload class of each action type. */
export const ACTION_PAYLOADS = {
  create_patient: CreatePatientPayload,
  create_appointment: CreateAppointmentPayload,
  confirm_appointment: ConfirmAppointmentPayload,
  cancel_appointment: CancelAppointmentPayload,
  reschedule_appointment: RescheduleAppointmentPayload,
  add_appointment_note: AddAppointmentNotePayload,
  update_patient: UpdatePatientPayload,
} as const;
