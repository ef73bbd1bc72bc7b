import type { Address, ContactPoint, RecordLink } from './datatypes';
import type { LocationKind, LocationStatus } from './value-sets';

/**
 * A canonical location, after FHIR R4 Location (http://hl7.org/fhir/R4/location.html): a chair or
 * room (`room`: an OpenDental operatory, a NexHealth operatory) or a site (`site`: a NexHealth
 * location, a FHIR server's Location).
 */
export interface Location {
  kind: LocationKind;
  name: string | null;
  abbreviation: string | null;
  status: LocationStatus;
  /** The site this room belongs to (a `locations` record or a source clinic key). */
  partOf: RecordLink | null;
  address: Address | null;
  telecom: ContactPoint[];
  /** Rooms: the hygiene chair. */
  isHygiene: boolean;
  /** Offered for online booking. */
  isBookableOnline: boolean;
  /** Default dentist and hygienist of a room (`providers` records). */
  defaultProvider: RecordLink | null;
  defaultHygienist: RecordLink | null;
  /** Order in the practice's schedule. */
  sortOrder: number | null;
}
