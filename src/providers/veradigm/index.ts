import { fhirProfileVendor } from '../fhir/profile-vendor';
import { VERADIGM_PROFILE } from './veradigm.profile';

/** The veradigm vendor: its profile over the shared FHIR R4 adapter (docs/vendors/veradigm.md). */
export const VERADIGM_VENDOR = fhirProfileVendor(VERADIGM_PROFILE);
export { VERADIGM_PROFILE };
