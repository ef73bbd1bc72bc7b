import { fhirProfileVendor } from '../fhir/profile-vendor';
import { MEDITECH_PROFILE } from './meditech.profile';

/** The meditech vendor: its profile over the shared FHIR R4 adapter (docs/vendors/meditech.md). */
export const MEDITECH_VENDOR = fhirProfileVendor(MEDITECH_PROFILE);
export { MEDITECH_PROFILE };
