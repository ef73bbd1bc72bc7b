/** Injection token of {@link FhirSandboxOptions}. */
export const FHIR_SANDBOX_OPTIONS = Symbol('FHIR_SANDBOX_OPTIONS');

/** URL prefix after the host: a tenant's FHIR base is `http://host:port/sandbox/fhir/{vendor}/{tenant}`. */
export const FHIR_SANDBOX_PREFIX = '/sandbox/fhir';

/** Options of FhirSandboxModule.forRoot(). */
export interface FhirSandboxOptions {
  /** When false every sandbox route answers 404 (mount always, decide with `SANDBOX_ENABLED`). Default true. */
  enabled?: boolean;
  /** Seed of every tenant's generated data (same seed, vendor and tenant → same resources). Default 4242. */
  seed?: number;
  /** Patients generated per tenant (default 120). */
  patients?: number;
  /** Access token lifetime in seconds (default 300, what SMART recommends for backend tokens). */
  tokenLifetimeSeconds?: number;
}

/**
 * Faults a test or the demo switches on for one tenant (`FhirSandbox.setFaults`):
 * - `throttle`: the next n FHIR requests answer 429 with `Retry-After: retryAfter` (a burst);
 * - `retryAfter`: seconds (a number) or an HTTP-date (a string);
 * - `duplicateAcrossPages`: each page after the first repeats the previous page's last entry;
 * - `outcomeEntries`: each searchset page carries an OperationOutcome entry (`search.mode = outcome`);
 * - `serviceUnavailable`: the next n requests answer 503 with an OperationOutcome `transient` issue.
 */
export interface FhirFaults {
  throttle: number;
  retryAfter: number | string;
  duplicateAcrossPages: boolean;
  outcomeEntries: boolean;
  serviceUnavailable: number;
}

export const NO_FAULTS: FhirFaults = { throttle: 0, retryAfter: 1, duplicateAcrossPages: false, outcomeEntries: false, serviceUnavailable: 0 };
