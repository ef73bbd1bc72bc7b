/** Simulated FHIR R4 servers (`/sandbox/fhir/{vendor}/{tenant}`), seeded per tenant. See docs/vendors/fhir-r4.md. */
export { FhirSandboxModule } from './fhir-sandbox.module';
export { FhirSandbox, type FhirTenant } from './fhir-sandbox.service';
export { FHIR_SANDBOX_PROFILES, SANDBOX_RESOURCE_TYPES, type FhirSandboxProfile, type SandboxResourceType } from './profiles';
export { FHIR_SANDBOX_OPTIONS, FHIR_SANDBOX_PREFIX, NO_FAULTS, type FhirFaults, type FhirSandboxOptions } from './sandbox-options';
export type { PublicKeyInput } from './assertion-verifier';
