/**
 * Simulated OpenDental REST API (`/sandbox/opendental/api/v1`), backed by the MariaDB office
 * databases of the OpenDental database sandbox. See README.md in this folder.
 */
export { OpenDentalApiSandboxModule } from './opendental-api-sandbox.module';
export { OpenDentalApiSandbox, keyHash, type FaultSpec, type ResolvedCustomer, type SandboxRequestEntry } from './sandbox-control.service';
export {
  OPENDENTAL_API_SANDBOX_OPTIONS, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY,
  type OpenDentalApiSandboxOptions, type SandboxCustomer, type SandboxOfficeHours,
} from './sandbox-options';
export { CONFIRM_VALUES } from './appointments.store';
