import type IORedis from 'ioredis';
import type { CanonicalRecord as TypedRecord } from '../../canonical';
import { Cipher, deriveKey } from '../../common/crypto';
import type { AppEnv } from '../../config/env';
import { RequestAborted } from '../common/retry';
import { SharedThrottle } from '../common/shared-throttle';
import {
  AdapterContext, CanonicalRecord, ConnectionTestResult, ProviderAdapter, ReadBatch, ReadRequest, ResourceType, VendorDescriptor, WriteBackCapability,
} from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { BulkSpec, readBulk } from './bulk-reader';
import { FHIR_CLIENT_KEYS } from './client-keys';
import { FhirClient } from './fhir-client';
import { FhirRequestError } from './operation-outcome';
import type { FhirResource } from './fhir-types';
import { mapFhirAppointment, mapFhirCoverage, mapFhirDocumentReference, mapFhirLocation, mapFhirPatient, mapFhirPractitioner } from './mappers';
import { readPerPatient } from './per-patient-reader';
import { FhirVendorProfile, fillTemplate, readableResources, ReadStrategy } from './profile';
import { checkConfig, connectionOf, FhirConfig, fhirConfigSchema, withDefaults } from './profile-config';
import { readSearch } from './search-reader';
import { FhirTokenCache } from './token-cache';
import { FhirWriteBack } from './write-back';

/** Injection token of {@link FhirAdapterOptions} (optional), shared by every FHIR vendor's adapter. */
export const FHIR_ADAPTER_OPTIONS = Symbol('FHIR_ADAPTER_OPTIONS');

/** Process-level settings (not per integration). Times in ms. */
export interface FhirAdapterOptions {
  /** Redis key prefix of the shared token cache and its locks. */
  tokenKeyPrefix: string;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Longest Retry-After waited in-process (longer: a temporary error carrying the wait). */
  maxRetryWaitMs: number;
  /** `_lastUpdated` reaches this far before the watermark. */
  incrementalOverlapMs: number;
  /** The watermark stays this far behind the server's clock. */
  safetyLagMs: number;
  /** Redis key prefix of the per-base-URL request budgets (keys hold a SHA-256 of the base URL). */
  rateKeyPrefix: string;
}

export const DEFAULT_FHIR_ADAPTER_OPTIONS: FhirAdapterOptions = {
  tokenKeyPrefix: 'fhir:auth', maxAttempts: 5, retryBaseDelayMs: 500, retryMaxDelayMs: 30_000, maxRetryWaitMs: 120_000, incrementalOverlapMs: 300_000, safetyLagMs: 120_000, rateKeyPrefix: 'fhir:rate',
};

type Mapper = (resource: FhirResource) => TypedRecord;

/** Canonical resource → FHIR type and mapper. Balances have no FHIR R4 resource (FHIR-R4.md §3). */
export const FHIR_READS: Partial<Record<ResourceType, { type: string; map: Mapper }>> = {
  providers: { type: 'Practitioner', map: (r) => mapFhirPractitioner(r) },
  locations: { type: 'Location', map: (r) => mapFhirLocation(r) },
  patients: { type: 'Patient', map: (r) => mapFhirPatient(r) },
  coverages: { type: 'Coverage', map: (r) => mapFhirCoverage(r) },
  appointments: { type: 'Appointment', map: (r) => mapFhirAppointment(r) },
  documents: { type: 'DocumentReference', map: (r) => mapFhirDocumentReference(r) },
};

/** A typed canonical record as the adapter interface carries it (its `data` as a plain object). */
function toAdapterRecord(record: TypedRecord): CanonicalRecord {
  return { ...record, data: { ...record.data } };
}

/** What the catalog says about the resources a profile cannot read, and about write-back. */
function notes(profile: FhirVendorProfile): string {
  const limits = (Object.entries(profile.reads) as Array<[ResourceType, ReadStrategy]>)
    .filter(([, s]) => s.kind === 'bulk-group' || s.kind === 'unsupported')
    .map(([r, s]) => `${r}: ${(s as { reason: string }).reason}`);
  const writes = profile.writeBack?.length ? `Write-back: ${profile.writeBack.join(', ')}.` : 'Read-only in the hub: no write-back through this adapter.';
  return [...limits, writes].join(' ');
}

/** The catalog entry of a profile: readable resources, incremental ones, config schema, credentials. */
export function profileDescriptor(profile: FhirVendorProfile): VendorDescriptor {
  const resources = readableResources(profile);
  const incremental = resources.filter((r) => {
    const s = profile.reads[r]!;
    return (s.kind === 'search' && s.incremental) || (s.kind === 'bulk-group' && s.since);
  });
  const secret = profile.clientAuth.includes('client_secret_basic');
  return {
    id: profile.id, name: profile.name, category: 'ehr', description: `${profile.description} ${notes(profile)}`.trim(),
    // Tombstoning is the reader's own (reconcile.ts reads unseen ids back by id); the engine only schedules the periodic full pass.
    capabilities: { resources, incremental, periodicFullPass: incremental }, configSchema: fhirConfigSchema(profile),
    credentialFields: [
      { name: 'privateKey', label: 'Private key (PEM, PKCS#8)', description: 'Signs the client assertion (private_key_jwt); its public key is registered at the EHR under config.keyId. Leave out every credential and the hub generates the key pair and serves its public key at GET /api/v1/integrations/:id/jwks.json.', required: false },
      ...(secret ? [{ name: 'clientSecret', label: 'Client secret', description: 'For client_secret_basic instead of a key.', required: false }] : []),
    ],
  };
}

/**
 * The adapter of one FHIR R4 vendor profile (profile.ts): `fhir-r4` and the seven EHRs are
 * instances with their own data. Connects through the shared client (SMART Backend Services,
 * tokens shared by all workers through Redis, encrypted) and reads each resource with the
 * profile's strategy: `_lastUpdated` search (search-reader.ts), a rolling date window, or a
 * per-patient fan-out (per-patient-reader.ts); deletions by reconciliation (reconcile.ts).
 */
export class FhirProfileAdapter implements ProviderAdapter {
  readonly descriptor: VendorDescriptor;
  /** The hub can generate the client's key pair and serve its JWKS (private_key_jwt). */
  readonly clientKeys = FHIR_CLIENT_KEYS;
  /** Present when the profile lists write-back the hub performs (Oracle Health, Epic). */
  readonly writeBack?: WriteBackCapability;
  protected readonly options: FhirAdapterOptions;
  private readonly tokens: FhirTokenCache;
  private readonly throttle: SharedThrottle;

  constructor(readonly profile: FhirVendorProfile, redis: IORedis, env: Pick<AppEnv, 'encryptionKey'>, options?: Partial<FhirAdapterOptions>) {
    this.descriptor = profileDescriptor(profile);
    this.options = { ...DEFAULT_FHIR_ADAPTER_OPTIONS, ...options };
    this.tokens = new FhirTokenCache(redis, new Cipher(deriveKey(env.encryptionKey, 'fhir-access-token')), this.options.tokenKeyPrefix);
    this.throttle = new SharedThrottle(redis, this.options.rateKeyPrefix);
    if (profile.writeBack?.length) {
      this.writeBack = new FhirWriteBack(profile.writeBack, {
        client: (ctx) => this.client(ctx, withDefaults(profile, ctx.config)),
        mapPatient: (r) => toAdapterRecord(mapFhirPatient(r)),
        mapAppointment: (r) => toAdapterRecord(mapFhirAppointment(r)),
      });
    }
  }

  /** fhirBaseUrl and tokenUrl readable and not link-local/metadata hosts; clientId present. */
  validateConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
    return checkConfig(config);
  }

  private client(ctx: AdapterContext, config: FhirConfig): FhirClient {
    return new FhirClient(connectionOf(this.profile, ctx.integrationId, config, ctx.credentials), this.tokens, {
      timeoutMs: config.requestTimeoutMs, maxAttempts: this.options.maxAttempts, retryBaseDelayMs: this.options.retryBaseDelayMs,
      retryMaxDelayMs: this.options.retryMaxDelayMs, maxRetryWaitMs: this.options.maxRetryWaitMs, signal: ctx.signal,
      budget: config.callsPerMinute ? { throttle: this.throttle, key: config.fhirBaseUrl, windows: [{ name: 'minute', limit: config.callsPerMinute, windowMs: 60_000 }] } : undefined,
    });
  }

  /** Gets a token, then the CapabilityStatement (`GET metadata`). Answers `ok: false` with a safe message on failure. */
  async testConnection(ctx: AdapterContext): Promise<ConnectionTestResult> {
    try {
      const client = this.client(ctx, withDefaults(this.profile, ctx.config));
      await client.token();
      const statement = await client.capabilityStatement();
      const version = typeof statement.fhirVersion === 'string' ? statement.fhirVersion : null;
      if (statement.resourceType !== 'CapabilityStatement' || !version?.startsWith('4.0')) {
        return { ok: false, message: `The server's metadata is not an R4 CapabilityStatement (fhirVersion ${version ?? 'missing'})`, details: { code: ProviderExceptionCode.INVALID_CONFIG } };
      }
      const software = (statement.software as { name?: unknown } | undefined)?.name;
      return { ok: true, message: 'Connected; the token endpoint accepted the client and the server answered its CapabilityStatement', details: { fhirVersion: version, software: typeof software === 'string' ? software.slice(0, 200) : null } };
    } catch (error) {
      if (error instanceof ProviderException) return { ok: false, message: error.message, details: { code: error.code, temporary: error.temporary } };
      throw error;
    }
  }

  /** Parameters every search of this tenant carries (athenahealth `ah-practice`). */
  private tenancyParams(config: FhirConfig): Array<[string, string]> {
    const t = this.profile.tenancy;
    return t.kind === 'search-param' ? [[t.param, fillTemplate(t.template, config.extra)]] : [];
  }

  /**
   * Reads one resource with the profile's strategy from the checkpoint. Stops quietly when
   * `ctx.signal` fires. @throws ProviderException UNSUPPORTED (permanent) for a resource the
   * profile cannot read; temporary: throttled, unreachable, 5xx after retries; permanent: token
   * refused, request refused.
   */
  async *read(ctx: AdapterContext, request: ReadRequest): AsyncGenerator<ReadBatch> {
    const read = FHIR_READS[request.resource];
    const strategy = this.profile.reads[request.resource];
    const config = withDefaults(this.profile, ctx.config);
    const bulk = strategy?.kind === 'bulk-group' ? config.bulkExport !== 'never' : config.bulkExport === 'always';
    if (!read || !strategy || strategy.kind === 'unsupported' || (strategy.kind === 'bulk-group' && !bulk)) {
      const reason = strategy && 'reason' in strategy ? strategy.reason : 'no FHIR R4 resource';
      throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `${this.profile.name} cannot read ${request.resource}: ${reason}`, { temporary: false });
    }
    const client = this.client(ctx, config);
    const map = (resource: FhirResource): CanonicalRecord => toAdapterRecord(read.map(resource));
    const codes = this.profile.expiredCursorCodes ?? [];
    const restartOn = (error: unknown): boolean => error instanceof FhirRequestError && (error.httpStatus === 410 || error.vendorCodes.some((c) => codes.includes(c)));
    const rewriteOrigin = config.rewriteNextLinks ? new URL(config.fhirBaseUrl).origin : undefined;
    const base = { resourceType: read.type, pageSize: config.pageSize, countParam: this.profile.countParam, map, restartOn, rewriteOrigin };
    try {
      if (bulk) {
        yield* readBulk(client, { ...this.bulkSpec(strategy, config, request.resource), map }, request, ctx.signal);
        return;
      }
      if (strategy.kind === 'bulk-group') return;
      if (strategy.kind === 'per-patient') {
        yield* readPerPatient(client, { ...base, param: strategy.param, params: this.tenancyParams(config) }, ctx, request, ctx.signal);
        return;
      }
      const params = this.tenancyParams(config);
      if (strategy.kind === 'window' && strategy.scope) params.push([strategy.scope.param, (await this.allStored(ctx, strategy.scope.from)).join(',')]);
      yield* readSearch(client, {
        ...base, params, incremental: strategy.kind === 'search' && strategy.incremental,
        window: strategy.kind === 'window' ? strategy : undefined, overlapMs: this.options.incrementalOverlapMs, safetyLagMs: this.options.safetyLagMs,
      }, request, ctx.signal);
    } catch (error) {
      if (error instanceof RequestAborted) return;
      throw error;
    }
  }

  /**
   * Where and how a resource is exported: `Group/{groupId}/$export` when a group is configured, else
   * the system-level `$export` (only with `bulkExport: always`).
   * @throws ProviderException RESOURCE_NOT_FOUND (the resource fails alone) when a Group export needs config.groupId.
   */
  private bulkSpec(strategy: ReadStrategy, config: FhirConfig, resource: ResourceType): Omit<BulkSpec, 'map'> {
    const group = config.groupId ? `Group/${encodeURIComponent(config.groupId)}/$export` : null;
    if (!group && strategy.kind === 'bulk-group') {
      throw new ProviderException(ProviderExceptionCode.RESOURCE_NOT_FOUND, `${this.profile.name} reads ${resource} by Group/{id}/$export: set config.groupId`, { temporary: false });
    }
    const incremental = strategy.kind === 'bulk-group' ? strategy.since : strategy.kind === 'search' && strategy.incremental;
    return { resourceType: FHIR_READS[resource]!.type, kickoffPath: group ?? '$export', incremental, maxWaitMs: this.options.maxRetryWaitMs };
  }

  /** Every stored id of a resource (a window's scope, e.g. the locations Oracle Health needs with `date`). */
  private async allStored(ctx: AdapterContext, resource: ResourceType): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of ctx.storedExternalIds?.(resource, null) ?? []) ids.push(...page);
    // RESOURCE_NOT_FOUND: this resource fails alone (the job goes on with the others).
    if (!ids.length) throw new ProviderException(ProviderExceptionCode.RESOURCE_NOT_FOUND, `${this.profile.name} searches appointments by ${resource}: none stored yet, sync ${resource} first`, { temporary: false });
    return ids;
  }
}
