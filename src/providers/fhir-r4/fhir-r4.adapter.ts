import { Inject, Injectable, Optional } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { CanonicalRecord as TypedRecord } from '../../canonical';
import { Cipher, deriveKey } from '../../common/crypto';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { REDIS } from '../../queue/queue.module';
import { RequestAborted } from '../common/retry';
import { BulkHttp } from '../fhir/bulk/bulk-http';
import { bulkPlan } from '../fhir/bulk/bulk-plan';
import { readBulk } from '../fhir/bulk/bulk-reader';
import { FhirClient } from '../fhir/fhir-client';
import type { FhirResource } from '../fhir/fhir-types';
import { mapFhirAppointment, mapFhirCoverage, mapFhirDocumentReference, mapFhirLocation, mapFhirPatient, mapFhirPractitioner } from '../fhir/mappers';
import { readSearch } from '../fhir/search-reader';
import { FhirTokenCache } from '../fhir/token-cache';
import {
  AdapterContext, CanonicalRecord, ConnectionTestResult, ProviderAdapter, ReadBatch, ReadRequest, ResourceType, VendorDescriptor,
} from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { checkConfig, connectionOf, FHIR_R4_CONFIG_SCHEMA, withDefaults } from './fhir-r4.config';

/** Injection token of {@link FhirR4AdapterOptions} (optional). */
export const FHIR_R4_ADAPTER_OPTIONS = Symbol('FHIR_R4_ADAPTER_OPTIONS');

/** Process-level settings (not per integration). Times in ms. */
export interface FhirR4AdapterOptions {
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
  /** Bulk status polls: interval without Retry-After, floor, and the longest total wait in-process (longer: the job re-enters later). */
  bulkPollMs: number;
  bulkMinPollMs: number;
  bulkMaxPollMs: number;
}

const DEFAULT_OPTIONS: FhirR4AdapterOptions = {
  tokenKeyPrefix: 'fhir:auth', maxAttempts: 5, retryBaseDelayMs: 500, retryMaxDelayMs: 30_000, maxRetryWaitMs: 120_000, incrementalOverlapMs: 300_000, safetyLagMs: 120_000,
  bulkPollMs: 5000, bulkMinPollMs: 1000, bulkMaxPollMs: 600_000,
};

type Mapper = (resource: FhirResource) => TypedRecord;

/** Canonical resource → FHIR type and mapper. Balances have no FHIR R4 resource (FHIR-R4.md §3). */
const READS: Partial<Record<ResourceType, { type: string; map: Mapper }>> = {
  providers: { type: 'Practitioner', map: (r) => mapFhirPractitioner(r) },
  locations: { type: 'Location', map: (r) => mapFhirLocation(r) },
  patients: { type: 'Patient', map: (r) => mapFhirPatient(r) },
  coverages: { type: 'Coverage', map: (r) => mapFhirCoverage(r) },
  appointments: { type: 'Appointment', map: (r) => mapFhirAppointment(r) },
  documents: { type: 'DocumentReference', map: (r) => mapFhirDocumentReference(r) },
};

const RESOURCES = Object.keys(READS) as ResourceType[];

const DESCRIPTOR: VendorDescriptor = {
  id: 'fhir-r4',
  name: 'FHIR R4 server (SMART Backend Services)',
  category: 'ehr',
  description: 'Reads any FHIR R4 server that offers SMART Backend Services (private_key_jwt RS384/ES384 or client_secret_basic) by Bulk Data $export (_since increments) where it serves one, else by paged search with _lastUpdated increments.',
  // FHIR search never returns deleted resources and few servers offer _history: a full pass finds them (FHIR-R4.md).
  capabilities: { resources: RESOURCES, incremental: RESOURCES, reconcileDeletes: RESOURCES },
  configSchema: FHIR_R4_CONFIG_SCHEMA,
  credentialFields: [
    { name: 'privateKey', label: 'Private key (PEM, PKCS#8)', description: 'Signs the client assertion (private_key_jwt); its public key is registered at the EHR under config.keyId.', required: false },
    { name: 'clientSecret', label: 'Client secret', description: 'For servers that use client_secret_basic instead of a key.', required: false },
  ],
};

/** A typed canonical record as the adapter interface carries it (its `data` as a plain object). */
function toAdapterRecord(record: TypedRecord): CanonicalRecord {
  return { ...record, data: { ...record.data } };
}

/**
 * Adapter of vendor `fhir-r4`: any FHIR R4 server with SMART Backend Services, through the
 * shared client in providers/fhir (docs/vendors/fhir-r4.md). Reads Practitioner, Location,
 * Patient, Coverage, Appointment and DocumentReference by paged search, incrementally by
 * `_lastUpdated` (search-reader.ts). Tokens are shared by all workers through Redis, encrypted.
 */
@Injectable()
export class FhirR4Adapter implements ProviderAdapter {
  readonly descriptor = DESCRIPTOR;
  private readonly options: FhirR4AdapterOptions;
  private readonly tokens: FhirTokenCache;

  constructor(@Inject(REDIS) redis: IORedis, @Inject(APP_ENV) env: Pick<AppEnv, 'encryptionKey'>, @Optional() @Inject(FHIR_R4_ADAPTER_OPTIONS) options?: Partial<FhirR4AdapterOptions>) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.tokens = new FhirTokenCache(redis, new Cipher(deriveKey(env.encryptionKey, 'fhir-access-token')), this.options.tokenKeyPrefix);
  }

  /** fhirBaseUrl and tokenUrl readable and not link-local/metadata hosts; clientId present. */
  validateConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
    return checkConfig(config);
  }

  private client(ctx: AdapterContext): FhirClient {
    const config = withDefaults(ctx.config);
    return new FhirClient(connectionOf(ctx.integrationId, config, ctx.credentials), this.tokens, {
      timeoutMs: config.requestTimeoutMs, maxAttempts: this.options.maxAttempts, retryBaseDelayMs: this.options.retryBaseDelayMs,
      retryMaxDelayMs: this.options.retryMaxDelayMs, maxRetryWaitMs: this.options.maxRetryWaitMs, signal: ctx.signal,
    });
  }

  /** Gets a token, then the CapabilityStatement (`GET metadata`). Answers `ok: false` with a safe message on failure. */
  async testConnection(ctx: AdapterContext): Promise<ConnectionTestResult> {
    try {
      const client = this.client(ctx);
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

  /**
   * Reads one resource from the checkpoint: by Bulk `$export` when bulk-plan.ts says so (a full
   * pass, or an incremental from a Bulk checkpoint's `_since`; fhir/bulk/bulk-reader.ts), else by
   * paged search (search-reader.ts). Stops quietly when
   * `ctx.signal` fires. @throws ProviderException (UNSUPPORTED for balances; temporary: throttled,
   * unreachable, 5xx after retries; permanent: token refused, request refused).
   */
  async *read(ctx: AdapterContext, request: ReadRequest): AsyncGenerator<ReadBatch> {
    const read = READS[request.resource];
    if (!read) throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `FHIR R4 servers have no ${request.resource} resource`, { temporary: false });
    const config = withDefaults(ctx.config);
    try {
      const client = this.client(ctx);
      const path = await bulkPlan(client, read.type, config.bulkExport, config.groupId, request.checkpoint);
      if (path) {
        const poll = { pollMs: this.options.bulkPollMs, minPollMs: this.options.bulkMinPollMs, maxWaitMs: this.options.maxRetryWaitMs, maxPollMs: this.options.bulkMaxPollMs };
        yield* readBulk(new BulkHttp(client.http, client), { resourceType: read.type, kickOffPath: path, poll, map: (resource) => toAdapterRecord(read.map(resource)) }, request, ctx.signal);
        return;
      }
      yield* readSearch(client, {
        resourceType: read.type, pageSize: config.pageSize, incremental: true, overlapMs: this.options.incrementalOverlapMs, safetyLagMs: this.options.safetyLagMs,
        map: (resource) => toAdapterRecord(read.map(resource)),
      }, request, ctx.signal);
    } catch (error) {
      if (error instanceof RequestAborted) return;
      throw error;
    }
  }
}
