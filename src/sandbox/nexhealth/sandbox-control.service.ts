import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { RequestLog, SandboxRequestEntry } from '../common/request-log';
import { createHash } from 'node:crypto';
import { generateInstitution } from './generator';
import { Institution, NexWebhookEndpoint, NexWebhookSubscription } from './institution';
import { SandboxRateLimiter } from './rate-limiter';
import {
  DEFAULT_RATE_LIMITS, NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_OPTIONS, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthRateLimits, NexHealthSandboxOptions,
} from './sandbox-options';
import { SandboxTokenStore } from './tokens';
import { DeliveryAttempt, WebhookDispatcher, WebhookEvent } from './webhook-dispatcher';

/** One request the sandbox received for an API key (kept in this process only, newest last). */
/** A request the simulated NexHealth API received. */
export type NexRequestEntry = SandboxRequestEntry;

/** Settings a test or the demo may change at run time (`POST /sandbox/nexhealth/_admin/control`). */
export interface NexHealthControlSettings {
  tokenLifetimeSeconds: number;
  rateLimits: NexHealthRateLimits;
  webhookTimeScale: number;
}


/** SHA-256 of an API key: what the sandbox keeps and logs instead of the key. */
export function nexKeyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/**
 * Control surface and state of the simulated NexHealth Synchronizer API (`/sandbox/nexhealth`):
 * the generated institution (in memory, seeded), accepted API keys, bearer tokens with a
 * configurable lifetime, per-key rate limits (in-memory sliding windows), webhook endpoints
 * and subscriptions with signed deliveries and NexHealth's retry schedule, and a request log.
 * Data changes go through sandbox-mutations.ts, which bumps `updated_at` and delivers webhooks.
 */
@Injectable()
export class NexHealthSandbox implements OnModuleDestroy {
  readonly enabled: boolean;
  institution: Institution;
  readonly tokens = new SandboxTokenStore();
  readonly limiter = new SandboxRateLimiter();
  readonly settings: NexHealthControlSettings;
  readonly endpoints = new Map<number, NexWebhookEndpoint>();
  readonly subscriptions = new Map<number, NexWebhookSubscription>();
  readonly dispatcher: WebhookDispatcher;
  private readonly dispatchSettings: { timeScale: number; timeoutMs: number };
  private readonly apiKeys = new Set<string>();
  private readonly log = new RequestLog();
  private nextWebhookId = 1;

  constructor(@Inject(NEXHEALTH_SANDBOX_OPTIONS) private readonly options: NexHealthSandboxOptions) {
    this.enabled = options.enabled ?? true;
    for (const key of [NEXHEALTH_SANDBOX_API_KEY, ...(options.apiKeys ?? [])]) this.apiKeys.add(nexKeyHash(key));
    this.settings = {
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86_400,
      rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
      webhookTimeScale: options.webhookTimeScale ?? 1,
    };
    this.dispatchSettings = { timeScale: this.settings.webhookTimeScale, timeoutMs: options.webhookTimeoutMs ?? 5000 };
    this.dispatcher = new WebhookDispatcher(this.dispatchSettings);
    // Generated lazily when disabled: a production process with SANDBOX_ENABLED off pays nothing.
    this.institution = this.enabled ? this.generate() : generateInstitution({ seed: 1, patients: 0, subdomain: NEXHEALTH_SANDBOX_SUBDOMAIN, now: Date.now() });
  }

  private generate(seed = this.options.seed ?? 3101, patients = this.options.patients ?? 200): Institution {
    return generateInstitution({ seed, patients, subdomain: this.options.subdomain ?? NEXHEALTH_SANDBOX_SUBDOMAIN, now: Date.now() });
  }

  /** Regenerates the institution (webhook endpoints, keys and tokens are kept; pending retries are dropped). */
  reset(options: { seed?: number; patients?: number } = {}): Institution {
    this.dispatcher.stop();
    this.institution = this.generate(options.seed, options.patients);
    this.limiter.reset();
    return this.institution;
  }

  /** Accepts another API key (POST /authenticates with `Authorization: <key>`). */
  registerApiKey(apiKey: string): void {
    this.apiKeys.add(nexKeyHash(apiKey));
  }

  /** The hash of a known API key, or null. */
  knownKey(apiKey: string): string | null {
    const hash = nexKeyHash(apiKey);
    return this.apiKeys.has(hash) ? hash : null;
  }

  /** Changes run-time settings; returns them all. Lower limits apply to the next request. */
  configure(change: { tokenLifetimeSeconds?: number; rateLimits?: Partial<NexHealthRateLimits>; webhookTimeScale?: number }): NexHealthControlSettings {
    if (change.tokenLifetimeSeconds !== undefined) this.settings.tokenLifetimeSeconds = change.tokenLifetimeSeconds;
    if (change.rateLimits) Object.assign(this.settings.rateLimits, change.rateLimits);
    if (change.webhookTimeScale !== undefined) {
      this.settings.webhookTimeScale = change.webhookTimeScale;
      this.dispatchSettings.timeScale = change.webhookTimeScale;
    }
    return this.currentSettings();
  }

  /** Restores the default rate limits (§3) and clears the counters. */
  resetRateLimits(): void {
    Object.assign(this.settings.rateLimits, DEFAULT_RATE_LIMITS, this.options.rateLimits);
    this.limiter.reset();
  }

  currentSettings(): NexHealthControlSettings {
    return { ...this.settings, rateLimits: { ...this.settings.rateLimits } };
  }

  /** Revokes every issued token (the next call of each client gets 401). Returns how many were live. */
  expireAllTokens(): number {
    return this.tokens.expireAll();
  }

  /** Ids for new webhook endpoints and subscriptions. */
  nextId(): number {
    return this.nextWebhookId++;
  }

  /** Sends an event to every active endpoint with an active subscription to (resource type, event). */
  async deliver(event: WebhookEvent, subscribedEvent: string): Promise<DeliveryAttempt[]> {
    const endpointIds = new Set([...this.subscriptions.values()]
      .filter((s) => s.active && s.resource_type === event.resource_type && s.event === subscribedEvent)
      .map((s) => s.webhook_endpoint_id));
    const targets = [...endpointIds].map((id) => this.endpoints.get(id)).filter((e): e is NexWebhookEndpoint => !!e && e.active);
    return this.dispatcher.dispatch(targets, event);
  }

  /** Delivery attempts so far (oldest first). */
  deliveries(): DeliveryAttempt[] {
    return [...this.dispatcher.log];
  }

  /** Adds a request to the key's log and returns the entry (its status is filled in when answered). */
  recordRequest(keyHash: string, entry: NexRequestEntry): NexRequestEntry {
    return this.log.record(keyHash, entry);
  }

  /** Requests this process received for the API key, oldest first. */
  requests(apiKey: string): NexRequestEntry[] {
    return this.log.list(nexKeyHash(apiKey));
  }

  clearRequests(apiKey: string): void {
    this.log.clear(nexKeyHash(apiKey));
  }

  onModuleDestroy(): void {
    this.dispatcher.stop();
  }
}
