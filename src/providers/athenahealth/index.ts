import { fhirProfileVendor } from '../fhir/profile-vendor';
import { ATHENAHEALTH_PROFILE } from './athenahealth.profile';

/** The athenahealth vendor: its profile over the shared FHIR R4 adapter (docs/vendors/athenahealth.md). */
export const ATHENAHEALTH_VENDOR = fhirProfileVendor(ATHENAHEALTH_PROFILE);
export { ATHENAHEALTH_PROFILE };
