import { Inject, Injectable, Optional } from '@nestjs/common';
import type IORedis from 'ioredis';
import { REDIS } from '../../queue/queue.module';
import { RequestAborted } from '../common/retry';
import { SharedThrottle } from '../common/shared-throttle';
import {
  AdapterContext, CanonicalRecord, ConnectionTestResult, ProviderAdapter, ReadBatch, ReadRequest, ResourceReadability, ResourceType, VendorDescriptor, WebhookCapability,
} from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { mapNexAppointment } from './appointment.mapper';
import { NexHealthClient } from './http-client';
import { checkConfig, NEXHEALTH_CONFIG_SCHEMA, NexHealthConfig, withDefaults } from './nexhealth.config';
import { mapNexPatient, NexPatientJson } from './patient.mapper';
import { DEFAULT_CLIENT_LIMITS, NexHealthClientLimits } from './rate-limits';
import { asResourceFailure, probeEndpoints } from './resource-access';
import { readResource } from './resource-reads';
import { NexHealthTokenCache } from './token-cache';
import { NEXHEALTH_SCHEMES, NEXHEALTH_WEBHOOKS, parseNexHealthWebhook, registerNexHealthWebhook, unregisterNexHealthWebhook } from './webhooks';

/** Injection token of {@link NexHealthAdapterOptions} (optional). */
export const NEXHEALTH_ADAPTER_OPTIONS = Symbol('NEXHEALTH_ADAPTER_OPTIONS');

/** Process-level settings of the adapter (not per integration). */
export interface NexHealthAdapterOptions {
  /** Redis key prefix of the shared rate-limit windows; keys end with SHA-256(API key). */
  throttleKeyPrefix: string;
  limits: NexHealthClientLimits;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How far an incremental pass reaches back before the previous pass's start (server time), in ms. */
  incrementalOverlapMs: number;
}

const DEFAULT_OPTIONS: NexHealthAdapterOptions = {
  throttleKeyPrefix: 'nexhealth:throttle', limits: DEFAULT_CLIENT_LIMITS, maxAttempts: 6, retryBaseDelayMs: 500, retryMaxDelayMs: 30_000, incrementalOverlapMs: 60_000,
};

const RESOURCES: ResourceType[] = ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents', 'balances'];

const DESCRIPTOR: VendorDescriptor = {
  id: 'nexhealth',
  name: 'NexHealth (Synchronizer API)',
  category: 'integration_platform',
  description: "Reads a practice through NexHealth's Synchronizer API v3 (NexHealth syncs Dentrix, Eaglesoft, OpenDental and other EHRs); webhooks registered automatically.",
  capabilities: {
    resources: RESOURCES,
    // Documents: an incremental reads them only for patients new or changed since the checkpoint (resource-reads.ts).
    incremental: ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents', 'balances'],
    // Appointments are read in a date window, so a full pass does not list them all: not reconciled.
    reconcileDeletes: ['patients', 'coverages', 'documents'],
  },
  configSchema: NEXHEALTH_CONFIG_SCHEMA,
  credentialFields: [{ name: 'apiKey', label: 'API key', description: 'The NexHealth API key (sandbox or production).', required: true }],
};

/**
 * Adapter for the NexHealth Synchronizer API (vendor id `nexhealth`), following
 * NexHealth's API reference (https://docs.nexhealth.com/reference; docs/vendors/nexhealth.md): API key → bearer token (cached, refreshed on 401),
 * `Nex-Api-Version: v3.0.0`, subdomain and location_id scoping, cursor paging, `updated_since`
 * increments, the per-API-key rate limits shared by every worker through Redis, and webhook
 * registration at NexHealth. Records use the OpenDental mappers' field names.
 *
 * Checkpoint: `{ v: 1, streams: { <stream>: { since, cursor, passStartedAt, params } } }` (cursor-reader.ts).
 */
@Injectable()
export class NexHealthAdapter implements ProviderAdapter {
  readonly descriptor = DESCRIPTOR;

  /**
   * NexHealth webhooks: its own signature scheme (nexhealth.verifier.ts), patient and appointment
   * ids of a delivery (webhooks.ts), current records fetched one by one, and registration of
   * the endpoint and its subscriptions at NexHealth (which issues the secret).
   */
  readonly webhooks: WebhookCapability = {
    descriptor: NEXHEALTH_WEBHOOKS,
    schemes: NEXHEALTH_SCHEMES,
    parse: (_ctx, delivery) => parseNexHealthWebhook(delivery.body),
    fetchRecords: (ctx, resource, externalIds) => this.fetchRecords(ctx, resource, externalIds),
    register: async (ctx, request) => registerNexHealthWebhook(this.client(ctx, withDefaults(ctx.config)), withDefaults(ctx.config).subdomain, request),
    unregister: async (ctx, ref) => unregisterNexHealthWebhook(this.client(ctx, withDefaults(ctx.config)), ref),
  };

  private readonly options: NexHealthAdapterOptions;
  private readonly throttle: SharedThrottle;
  private readonly tokens = new NexHealthTokenCache();

  constructor(@Inject(REDIS) redis: IORedis, @Optional() @Inject(NEXHEALTH_ADAPTER_OPTIONS) options?: Partial<NexHealthAdapterOptions>) {
    this.options = { ...DEFAULT_OPTIONS, ...options, limits: { ...DEFAULT_CLIENT_LIMITS, ...options?.limits } };
    this.throttle = new SharedThrottle(redis, this.options.throttleKeyPrefix);
  }

  /** subdomain and locationId present; no link-local or metadata host in baseUrl. */
  validateConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
    return checkConfig(config);
  }

  private client(ctx: AdapterContext, config: NexHealthConfig): NexHealthClient {
    const { apiKey } = ctx.credentials;
    if (!apiKey) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'credentials.apiKey is required');
    if (!config.subdomain || !config.locationId) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'config.subdomain and config.locationId are required');
    return new NexHealthClient(
      { baseUrl: config.baseUrl, apiKey, timeoutMs: config.requestTimeoutMs, signal: ctx.signal },
      { throttle: this.throttle, tokens: this.tokens, limits: this.options.limits, retry: { maxAttempts: this.options.maxAttempts, baseDelayMs: this.options.retryBaseDelayMs, maxDelayMs: this.options.retryMaxDelayMs } },
    );
  }

  /** Authenticates and reads one operatory of the location (no patient data). Answers `ok: false` with a safe message on failure. */
  async testConnection(ctx: AdapterContext): Promise<ConnectionTestResult> {
    try {
      const config = withDefaults(ctx.config);
      await this.client(ctx, config).get('/operatories', { subdomain: config.subdomain, location_id: config.locationId, per_page: 1 });
      return { ok: true, message: 'Connected; NexHealth accepted the API key and the location', details: { subdomain: config.subdomain, locationId: config.locationId } };
    } catch (error) {
      if (error instanceof ProviderException) return { ok: false, message: error.message, details: { code: error.code } };
      throw error;
    }
  }

  /**
   * Reads one resource in batches (resource-reads.ts). Stops quietly between requests when
   * `ctx.signal` fires. @throws ProviderException (temporary: rate-limited, unreachable, 5xx after
   * retries; permanent: authentication failed, refused request; RESOURCE_FORBIDDEN / RESOURCE_NOT_FOUND
   * when NexHealth answers 403 / 404 during this resource's read: that resource alone fails).
   */
  async *read(ctx: AdapterContext, request: ReadRequest): AsyncGenerator<ReadBatch> {
    const config = withDefaults(ctx.config);
    try {
      yield* readResource(this.client(ctx, config), config, request.resource, request, this.options.incrementalOverlapMs, ctx.signal);
    } catch (error) {
      if (error instanceof RequestAborted) return;
      throw asResourceFailure(error);
    }
  }

  /**
   * Which resources this API key can read: one `per_page=1` request per resource (resource-access.ts),
   * documents through the first patient. @throws ProviderException when NexHealth cannot be reached or refuses the key.
   */
  probeResources(ctx: AdapterContext): Promise<Partial<Record<ResourceType, ResourceReadability>>> {
    const config = withDefaults(ctx.config);
    return probeEndpoints(this.client(ctx, config), config, RESOURCES);
  }

  /**
   * Current patients (GET /patients/{id}) or appointments (GET /appointments/{id}), one request
   * per id under the shared limits; ids NexHealth no longer knows (404) are left out.
   * @throws ProviderException (temporary: rate-limited or unreachable; UNSUPPORTED for other resources).
   */
  private async fetchRecords(ctx: AdapterContext, resource: ResourceType, externalIds: string[]): Promise<CanonicalRecord[]> {
    if (resource !== 'patients' && resource !== 'appointments') throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `NexHealth webhooks carry no ${resource}`, { temporary: false });
    const config = withDefaults(ctx.config);
    const client = this.client(ctx, config);
    const records: CanonicalRecord[] = [];
    for (const id of externalIds) {
      if (!/^\d+$/.test(id)) continue;
      try {
        const { body } = await client.get<Record<string, unknown>>(`/${resource}/${id}`, { subdomain: config.subdomain });
        const mapped = resource === 'patients'
          ? mapNexPatient(body.data as NexPatientJson, { requireBirthdate: config.requireBirthdate, locationId: config.locationId })
          : mapNexAppointment(body.data);
        if ('data' in mapped) records.push(mapped);
      } catch (error) {
        if (!(error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND)) throw error;
      }
    }
    return records;
  }
}
