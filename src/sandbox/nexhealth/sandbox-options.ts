/** Injection token of {@link NexHealthSandboxOptions}. */
export const NEXHEALTH_SANDBOX_OPTIONS = Symbol('NEXHEALTH_SANDBOX_OPTIONS');

/** URL prefix of the simulated API after the host: the adapter's `baseUrl` is `http://host:port` + this. */
export const NEXHEALTH_SANDBOX_PREFIX = '/sandbox/nexhealth';

/** The API key the sandbox accepts out of the box (`POST /authenticates` with `Authorization: <key>`). */
export const NEXHEALTH_SANDBOX_API_KEY = 'sandbox-nexhealth-api-key';

/** The institution's subdomain out of the box. */
export const NEXHEALTH_SANDBOX_SUBDOMAIN = 'riverside-dental';

/** API versions the `Nex-Api-Version` header may name (two names of one version, §3). */
export const NEXHEALTH_API_VERSIONS = ['v3.0.0', 'v20240412'];

/**
 * Rate limits per API key (§3 [NEX-RL]); a value ≤ 0 disables that window.
 * `appointmentsPerSecond` counts GET /appointments (and slot listing, not simulated);
 * `patientsAppointmentsPerMinute` counts every /patients… and /appointments… request together;
 * `otherPerMinute` the remaining endpoints.
 */
export interface NexHealthRateLimits {
  perSecond: number;
  appointmentsPerSecond: number;
  patientsAppointmentsPerMinute: number;
  otherPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: NexHealthRateLimits = { perSecond: 100, appointmentsPerSecond: 10, patientsAppointmentsPerMinute: 1000, otherPerMinute: 2000 };

/** Options of NexHealthSandboxModule.forRoot(). */
export interface NexHealthSandboxOptions {
  /** When false every sandbox route answers 404 (mount the module always, decide with `SANDBOX_ENABLED`). Default true. */
  enabled?: boolean;
  /** Seed of the generated institution (same seed → same people, ids and relations). Default 3101. */
  seed?: number;
  /** Patients generated (default 200). */
  patients?: number;
  subdomain?: string;
  /** Extra API keys accepted besides {@link NEXHEALTH_SANDBOX_API_KEY}. */
  apiKeys?: string[];
  /** Token lifetime in seconds (default 86,400: sandbox tokens last 24 h, §3). */
  tokenLifetimeSeconds?: number;
  rateLimits?: Partial<NexHealthRateLimits>;
  /** Multiplies NexHealth's webhook retry delays (30 s … 48 h); e.g. 0.001 turns 30 s into 30 ms. Default 1. */
  webhookTimeScale?: number;
  /** Timeout of one webhook delivery attempt in ms (default 5,000). */
  webhookTimeoutMs?: number;
}
