import { fhirProfileVendor } from '../fhir/profile-vendor';
import { ECLINICALWORKS_PROFILE } from './eclinicalworks.profile';

/** The eclinicalworks vendor: its profile over the shared FHIR R4 adapter (docs/vendors/eclinicalworks.md). */
export const ECLINICALWORKS_VENDOR = fhirProfileVendor(ECLINICALWORKS_PROFILE);
export { ECLINICALWORKS_PROFILE };
