import { ApiProperty } from '@nestjs/swagger';
import {
  Appointment, APPOINTMENT_STATUS, AppointmentParticipant, AppointmentStatus, PARTICIPANT_TYPE, ParticipantType,
  PARTICIPATION_STATUS, ParticipationStatus,
} from '../../../../canonical';
import { RecordLinkDto } from './datatypes.dto';

// The canonical type spells these unions inline; `satisfies` keeps the lists inside them.
const PARTICIPANT_RESOURCE = ['patients', 'providers', 'locations'] as const satisfies readonly AppointmentParticipant['resourceType'][];
const CONFIRMATION = ['confirmed', 'unconfirmed'] as const satisfies readonly NonNullable<Appointment['confirmation']>[];
const PRIORITY = ['normal', 'asap'] as const satisfies readonly Appointment['priority'][];

/** One participant (FHIR Appointment.participant): a patient, a provider or a location. */
export class AppointmentParticipantDto implements AppointmentParticipant {
  @ApiProperty({ description: 'The resource the link points to.', example: 'providers', enum: PARTICIPANT_RESOURCE })
  resourceType: (typeof PARTICIPANT_RESOURCE)[number];

  @ApiProperty({ description: 'The participant, by its id at the source.', type: RecordLinkDto })
  link: RecordLinkDto;

  @ApiProperty({ description: 'v3 ParticipationType: PPRF dentist, SPRF hygienist, PART patient, LOC room.', example: 'PPRF', enum: PARTICIPANT_TYPE })
  type: ParticipantType;

  @ApiProperty({ description: 'FHIR ParticipationStatus.', example: 'accepted', enum: PARTICIPATION_STATUS })
  status: ParticipationStatus;
}

/**
 * The `data` of an `appointments` record: the canonical Appointment (src/canonical/appointment.ts),
 * after FHIR R4 Appointment (http://hl7.org/fhir/R4/appointment.html). Instants are UTC.
 */
export class AppointmentDataDto implements Appointment {
  @ApiProperty({ description: 'FHIR AppointmentStatus.', example: 'booked', enum: APPOINTMENT_STATUS, nullable: true })
  status: AppointmentStatus | null;

  @ApiProperty({ description: "The vendor's own status code, verbatim (OpenDental AptStatus name…).", example: 'Scheduled', type: String, nullable: true })
  sourceStatus: string | null;

  @ApiProperty({ description: 'Start, UTC instant.', example: '2026-12-01T15:00:00.000Z', type: String, format: 'date-time', nullable: true })
  start: string | null;

  @ApiProperty({ description: 'End, UTC instant.', example: '2026-12-01T15:30:00.000Z', type: String, format: 'date-time', nullable: true })
  end: string | null;

  @ApiProperty({ description: 'Length in minutes.', example: 30, type: Number, nullable: true })
  durationMinutes: number | null;

  @ApiProperty({ description: "The office's IANA time zone the start was read in.", example: 'America/Chicago', type: String, nullable: true })
  timeZone: string | null;

  @ApiProperty({ description: 'Office-local start, `yyyy-MM-ddTHH:mm:ss`.', example: '2026-12-01T09:00:00', type: String, nullable: true })
  localStart: string | null;

  @ApiProperty({ description: 'Patient, providers and room.', type: AppointmentParticipantDto, isArray: true })
  participants: AppointmentParticipantDto[];

  @ApiProperty({ description: 'The patient (a `patients` record).', type: RecordLinkDto, nullable: true })
  patient: RecordLinkDto | null;

  @ApiProperty({ description: 'The primary provider (a `providers` record).', type: RecordLinkDto, nullable: true })
  provider: RecordLinkDto | null;

  @ApiProperty({ description: 'The room (a `locations` record).', type: RecordLinkDto, nullable: true })
  location: RecordLinkDto | null;

  @ApiProperty({ description: "The vendor's appointment type key.", type: RecordLinkDto, nullable: true })
  appointmentType: RecordLinkDto | null;

  @ApiProperty({ description: 'Confirmation state.', example: 'confirmed', enum: CONFIRMATION, nullable: true })
  confirmation: (typeof CONFIRMATION)[number] | null;

  @ApiProperty({ description: "The vendor's confirmation code, verbatim.", example: 'Appointment Confirmed', type: String, nullable: true })
  sourceConfirmation: string | null;

  @ApiProperty({ description: 'The appointment note.', example: 'Prefers mornings', type: String, nullable: true })
  comment: string | null;

  @ApiProperty({ description: 'The planned procedures.', example: 'Cleaning', type: String, nullable: true })
  description: string | null;

  @ApiProperty({ description: "The patient's first visit.", example: false, type: Boolean, nullable: true })
  isNewPatient: boolean | null;

  @ApiProperty({ description: '`asap`: the patient wants an earlier time if one opens.', example: 'normal', enum: PRIORITY })
  priority: (typeof PRIORITY)[number];

  @ApiProperty({ description: 'Arrival, UTC instant.', example: '2026-12-01T14:55:00.000Z', type: String, format: 'date-time', nullable: true })
  arrivedAt: string | null;

  @ApiProperty({ description: 'Dismissal, UTC instant.', example: '2026-12-01T15:35:00.000Z', type: String, format: 'date-time', nullable: true })
  dismissedAt: string | null;

  @ApiProperty({ description: 'Cancellation, UTC instant.', example: '2026-11-30T09:00:00.000Z', type: String, format: 'date-time', nullable: true })
  cancelledAt: string | null;
}
