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
  /** Real milliseconds a Bulk export takes to complete (default 300): the `Retry-After` it answers meanwhile is the tenant's `bulkRetryAfter` fault, hours compressed into this. */
  bulkReadyAfterMs?: number;
  /** NDJSON lines per Bulk export file (default 50). */
  bulkFileLines?: number;
}

/**
 * Faults a test or the demo switches on for one tenant (`FhirSandbox.setFaults`):
 * - `throttle`: the next n FHIR requests answer 429 with `Retry-After: retryAfter` (a burst);
 * - `retryAfter`: seconds (a number) or an HTTP-date (a string);
 * - `duplicateAcrossPages`: each page after the first repeats the previous page's last entry;
 * - `outcomeEntries`: each searchset page carries an OperationOutcome entry (`search.mode = outcome`);
 * - `serviceUnavailable`: the next n requests answer 503 with an OperationOutcome `transient` issue;
 * - `expiredCursor`: the next n requests following a next link answer as the profile's expired cursor (Epic 4113, else 410);
 * - `internalHost`: next links and fullUrls carry this origin instead of the request's (a HAPI server behind a proxy);
 * - `loseWriteAnswers`: the next n creates are performed but their answer is lost (the connection drops), as after a timeout;
 * - `bulkRetryAfter`: seconds a Bulk status poll in progress asks to wait (`Retry-After`; Cerner and eCW answer hours);
 * - `bulkRedirect`: export file URLs answer 307 to a storage URL that refuses an `Authorization` header (cerner/fhir.cerner.com#899);
 * - `bulkStallAfterLines`: when > 0, each export file sends that many lines, then nothing, the connection held open (a stalled server);
 * - `bulkBadLine`: the second line of each export file is not JSON (a truncated or corrupt file);
 * - `bulkErrorLines`: each export's manifest lists an `error` file of that many OperationOutcomes.
 */
export interface FhirFaults {
  throttle: number;
  retryAfter: number | string;
  duplicateAcrossPages: boolean;
  outcomeEntries: boolean;
  serviceUnavailable: number;
  bulkRetryAfter: number;
  bulkRedirect: boolean;
  bulkStallAfterLines: number;
  bulkBadLine: boolean;
  bulkErrorLines: number;
  expiredCursor: number;
  internalHost: string | null;
  loseWriteAnswers: number;
}

export const NO_FAULTS: FhirFaults = { throttle: 0, retryAfter: 1, duplicateAcrossPages: false, outcomeEntries: false, serviceUnavailable: 0, bulkRetryAfter: 1, bulkRedirect: false, bulkStallAfterLines: 0, bulkBadLine: false, bulkErrorLines: 0, expiredCursor: 0, internalHost: null, loseWriteAnswers: 0 };
