import { fhirProfileVendor } from '../fhir/profile-vendor';
import { EPIC_PROFILE } from './epic.profile';

/** The epic vendor: its profile over the shared FHIR R4 adapter (docs/vendors/epic.md). */
export const EPIC_VENDOR = fhirProfileVendor(EPIC_PROFILE);
export { EPIC_PROFILE };
