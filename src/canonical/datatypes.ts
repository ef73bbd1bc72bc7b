import type { AddressUse, ContactPointSystem, ContactPointUse, IdentifierType, NameUse } from './value-sets';

/**
 * FHIR R4 data types as the canonical model uses them (http://hl7.org/fhir/R4/datatypes.html),
 * flattened where FHIR nests for extensibility: a `null` means the source did not say.
 * Dates are `yyyy-MM-dd`; instants are ISO 8601 in UTC with `Z`.
 */

/** http://hl7.org/fhir/R4/datatypes.html#HumanName. `given` holds first then middle names. */
export interface HumanName {
  use: NameUse;
  family: string | null;
  given: string[];
  prefix: string[];
  suffix: string[];
  /** The full name as it should be displayed. */
  text: string | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#ContactPoint. `rank` 1 = preferred; null = no order given. */
export interface ContactPoint {
  system: ContactPointSystem;
  value: string;
  use: ContactPointUse | null;
  rank: number | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#Address. `line` holds street lines in order. */
export interface Address {
  use: AddressUse | null;
  line: string[];
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

/**
 * http://hl7.org/fhir/R4/datatypes.html#Identifier. `system` is a URI: a well-known one (see
 * `identifier-systems.ts`: NPI, a PMS's patient key as a synchronizer reports it) or
 * `SOURCE_SYSTEM_PREFIX` + a name for ids that only mean something inside the integration (the
 * FHIR API turns those into one URI per integration).
 */
export interface Identifier {
  system: string;
  value: string;
  type: IdentifierType | null;
}

/** http://hl7.org/fhir/R4/datatypes.html#Period: dates (`yyyy-MM-dd`) or instants; either end may be open. */
export interface Period {
  start: string | null;
  end: string | null;
}

/** A link to another record of the same integration, by the source's id (the store also resolves it to our id where it can). */
export interface RecordLink {
  externalId: string;
}

/** An amount in whole currency units (dollars, not cents), with its ISO 4217 currency. http://hl7.org/fhir/R4/datatypes.html#Money */
export interface Money {
  value: number;
  currency: string;
}
