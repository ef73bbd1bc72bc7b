import { ApiProperty } from '@nestjs/swagger';
import type { Address, ContactPoint, HumanName, Identifier, Money, Period, RecordLink } from '../../../../canonical';
import {
  ADDRESS_USE, AddressUse, CONTACT_POINT_SYSTEM, CONTACT_POINT_USE, ContactPointSystem, ContactPointUse, IDENTIFIER_TYPE,
  IdentifierType, NAME_USE, NameUse,
} from '../../../../canonical';

/**
 * OpenAPI shapes of the canonical FHIR R4 data types (src/canonical/datatypes.ts,
 * http://hl7.org/fhir/R4/datatypes.html). Each class `implements` its canonical type, so tsc
 * fails when a field is missing or mistyped. Response-only: no validators. A `null` means the
 * source did not say; dates are `yyyy-MM-dd`, instants ISO 8601 in UTC.
 */

/** http://hl7.org/fhir/R4/datatypes.html#HumanName */
export class HumanNameDto implements HumanName {
  @ApiProperty({ description: 'FHIR NameUse: official (legal), usual (preferred)…', example: 'official', enum: NAME_USE })
  use: NameUse;

  @ApiProperty({ description: 'Family (last) name.', example: 'Taylor', type: String, nullable: true })
  family: string | null;

  @ApiProperty({ description: 'First then middle names.', example: ['Elizabeth', 'Rosemond'], type: String, isArray: true })
  given: string[];

  @ApiProperty({ description: 'Prefixes (titles).', example: ['Dr'], type: String, isArray: true })
  prefix: string[];

  @ApiProperty({ description: 'Suffixes.', example: ['Jr'], type: String, isArray: true })
  suffix: string[];

  @ApiProperty({ description: 'The full name as it should be displayed.', example: 'Elizabeth Rosemond Taylor', type: String, nullable: true })
  text: string | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#ContactPoint */
export class ContactPointDto implements ContactPoint {
  @ApiProperty({ description: 'FHIR ContactPointSystem.', example: 'phone', enum: CONTACT_POINT_SYSTEM })
  system: ContactPointSystem;

  @ApiProperty({ description: 'The number or address, as the source spells it.', example: '(503) 555-0142' })
  value: string;

  @ApiProperty({ description: 'FHIR ContactPointUse, or null when the source does not say.', example: 'mobile', enum: CONTACT_POINT_USE, nullable: true })
  use: ContactPointUse | null;

  @ApiProperty({ description: '1 = preferred; null = no order given.', example: 1, type: Number, nullable: true })
  rank: number | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#Address */
export class AddressDto implements Address {
  @ApiProperty({ description: 'FHIR AddressUse, or null.', example: 'home', enum: ADDRESS_USE, nullable: true })
  use: AddressUse | null;

  @ApiProperty({ description: 'Street lines in order.', example: ['12 Oak St', 'Apt 4'], type: String, isArray: true })
  line: string[];

  @ApiProperty({ description: 'City.', example: 'Portland', type: String, nullable: true })
  city: string | null;

  @ApiProperty({ description: 'State or province.', example: 'OR', type: String, nullable: true })
  state: string | null;

  @ApiProperty({ description: 'Postal (ZIP) code.', example: '97201', type: String, nullable: true })
  postalCode: string | null;

  @ApiProperty({ description: 'Country as the source spells it.', example: 'US', type: String, nullable: true })
  country: string | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#Identifier */
export class IdentifierDto implements Identifier {
  @ApiProperty({ description: 'A URI: a well-known system (NPI…) or an integration-local one.', example: 'http://hl7.org/fhir/sid/us-npi' })
  system: string;

  @ApiProperty({ description: 'The identifier value.', example: '1234567893' })
  value: string;

  @ApiProperty({ description: 'HL7 v2 table 0203 identifier type code, or null.', example: 'NPI', enum: IDENTIFIER_TYPE, nullable: true })
  type: IdentifierType | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#Period */
export class PeriodDto implements Period {
  @ApiProperty({ description: 'Start date (`yyyy-MM-dd`) or instant; null = open.', example: '2026-01-01', type: String, nullable: true })
  start: string | null;

  @ApiProperty({ description: 'End date (`yyyy-MM-dd`) or instant; null = open.', example: '2026-12-31', type: String, nullable: true })
  end: string | null;
}

/** A link to another record of the same integration, by the source's id. */
export class RecordLinkDto implements RecordLink {
  @ApiProperty({ description: "The linked record's id at the source (e.g. an OpenDental ProvNum).", example: '3' })
  externalId: string;
}

/** http://hl7.org/fhir/R4/datatypes.html#Money: whole currency units (dollars, not cents). */
export class MoneyDto implements Money {
  @ApiProperty({ description: 'Amount in whole currency units.', example: 125.5 })
  value: number;

  @ApiProperty({ description: 'ISO 4217 currency code.', example: 'USD' })
  currency: string;
}
