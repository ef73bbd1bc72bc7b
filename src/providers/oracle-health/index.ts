import { fhirProfileVendor } from '../fhir/profile-vendor';
import { ORACLE_HEALTH_PROFILE } from './oracle-health.profile';

/** The oracle-health vendor: its profile over the shared FHIR R4 adapter (docs/vendors/oracle-health.md). */
export const ORACLE_HEALTH_VENDOR = fhirProfileVendor(ORACLE_HEALTH_PROFILE);
export { ORACLE_HEALTH_PROFILE };
