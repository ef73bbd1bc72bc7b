import type { ContactPoint, HumanName, Identifier } from './datatypes';
import type { PractitionerStatus } from './value-sets';

/** A canonical provider, after FHIR R4 Practitioner (http://hl7.org/fhir/R4/practitioner.html). */
export interface Practitioner {
  names: HumanName[];
  displayName: string | null;
  /** National Provider Identifier (10 digits), also in `identifiers` with the NPI system. */
  npi: string | null;
  identifiers: Identifier[];
  telecom: ContactPoint[];
  status: PractitionerStatus;
  /** The vendor's own status code, verbatim. */
  sourceStatus: string | null;
  /** NUCC taxonomy code (http://www.nucc.org), e.g. `1223G0001X` general practice dentistry, `124Q00000X` dental hygienist. */
  specialtyCode: string | null;
  /** A hygienist rather than a dentist or physician. */
  isHygienist: boolean;
  /** Short name the practice uses on its schedule (OpenDental Abbr). */
  abbreviation: string | null;
  /** Hidden from the practice's own pick lists. */
  isHidden: boolean;
  /** `yyyy-MM-dd` the provider stopped practising here. */
  terminationDate: string | null;
}
