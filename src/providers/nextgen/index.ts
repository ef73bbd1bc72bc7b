import { fhirProfileVendor } from '../fhir/profile-vendor';
import { NEXTGEN_PROFILE } from './nextgen.profile';

/** The nextgen vendor: its profile over the shared FHIR R4 adapter (docs/vendors/nextgen.md). */
export const NEXTGEN_VENDOR = fhirProfileVendor(NEXTGEN_PROFILE);
export { NEXTGEN_PROFILE };
