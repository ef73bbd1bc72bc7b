/**
 * Simulated NexHealth Synchronizer API v3.0.0 (`/sandbox/nexhealth`), an in-memory seeded
 * institution with signed webhooks. See README.md in this folder.
 */
export { NexHealthSandboxModule } from './nexhealth-sandbox.module';
export { NexHealthSandbox, nexKeyHash, type NexHealthControlSettings, type NexRequestEntry } from './sandbox-control.service';
export {
  DEFAULT_RATE_LIMITS, NEXHEALTH_API_VERSIONS, NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_OPTIONS, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN,
  type NexHealthRateLimits, type NexHealthSandboxOptions,
} from './sandbox-options';
export { bookAppointment, createPatient, updateAppointment, updatePatient, type MutationResult } from './sandbox-mutations';
export { RETRY_SCHEDULE_MS, signNexHealth, type DeliveryAttempt } from './webhook-dispatcher';
export type { Institution } from './institution';
