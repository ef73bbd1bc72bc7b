import { ApiProperty } from '@nestjs/swagger';
import { Location, LOCATION_KIND, LOCATION_STATUS, LocationKind, LocationStatus } from '../../../../canonical';
import { AddressDto, ContactPointDto, RecordLinkDto } from './datatypes.dto';

/**
 * The `data` of a `locations` record: the canonical Location (src/canonical/location.ts), after
 * FHIR R4 Location (http://hl7.org/fhir/R4/location.html): a room (chair, operatory) or a site.
 */
export class LocationDataDto implements Location {
  @ApiProperty({ description: 'A chair or room (`room`) or a site or clinic (`site`).', example: 'room', enum: LOCATION_KIND })
  kind: LocationKind;

  @ApiProperty({ description: 'Name.', example: 'Operatory 1', type: String, nullable: true })
  name: string | null;

  @ApiProperty({ description: 'Short name.', example: 'OP1', type: String, nullable: true })
  abbreviation: string | null;

  @ApiProperty({ description: 'FHIR LocationStatus.', example: 'active', enum: LOCATION_STATUS })
  status: LocationStatus;

  @ApiProperty({ description: 'The site this room belongs to.', type: RecordLinkDto, nullable: true })
  partOf: RecordLinkDto | null;

  @ApiProperty({ description: 'Postal address (sites).', type: AddressDto, nullable: true })
  address: AddressDto | null;

  @ApiProperty({ description: 'Phones and e-mail.', type: ContactPointDto, isArray: true })
  telecom: ContactPointDto[];

  @ApiProperty({ description: 'Rooms: the hygiene chair.', example: false })
  isHygiene: boolean;

  @ApiProperty({ description: 'Offered for online booking.', example: true })
  isBookableOnline: boolean;

  @ApiProperty({ description: 'Default dentist of a room, a `providers` record.', type: RecordLinkDto, nullable: true })
  defaultProvider: RecordLinkDto | null;

  @ApiProperty({ description: 'Default hygienist of a room, a `providers` record.', type: RecordLinkDto, nullable: true })
  defaultHygienist: RecordLinkDto | null;

  @ApiProperty({ description: "Order in the practice's schedule.", example: 1, type: Number, nullable: true })
  sortOrder: number | null;
}
