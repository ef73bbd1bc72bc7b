import { Inject, Injectable, Optional } from '@nestjs/common';
import type IORedis from 'ioredis';
import { REDIS } from '../../queue/queue.module';
import {
  ACTION_TYPES, AdapterContext, CanonicalRecord, ConnectionTestResult, ProviderAdapter, ReadBatch, ReadRequest, ResourceReadability, ResourceType,
  VendorDescriptor, WebhookCapability, WriteBackCapability,
} from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { OPENDENTAL_API_SCHEMES, OPENDENTAL_API_WEBHOOKS, parseApiEvents } from './api-events';
import { OpenDentalApiClient } from './http-client';
import { checkConfig, OPENDENTAL_API_CONFIG_SCHEMA, OpenDentalApiConfig, withDefaults } from './opendental-api.config';
import {
  AppointmentResult, OdAppointmentCreate, OdAppointmentQuery, OdBreakOptions, OdConfirmation, OdPatientCreate, OdSlotQuery, PatientResult, Slot,
} from './opendental-api.types';
import { OpenDentalApiActions } from './perform-action';
import { asResourceFailure, probeEndpoints } from './resource-access';
import { readResource } from './resource-reads';
import { RequestAborted } from '../common/retry';
import { SharedThrottle } from '../common/shared-throttle';
import { OpenDentalApiWrites } from './write-operations';

/** Injection token of {@link OpenDentalApiAdapterOptions} (optional). */
export const OPENDENTAL_API_ADAPTER_OPTIONS = Symbol('OPENDENTAL_API_ADAPTER_OPTIONS');

/** Process-level settings of the adapter (not per integration). */
export interface OpenDentalApiAdapterOptions {
  /** Redis key prefix of the shared throttle; the key ends with SHA-256(customer key). */
  throttleKeyPrefix: string;
  /** Added to OpenDental's interval so jitter on the way never makes two requests arrive too close. */
  throttleMarginMs: number;
  /** Replaces OpenDental's interval (1000 ms, 5000 ms read-only), e.g. for a sandbox customer with a shorter one. */
  intervalMs?: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

const DEFAULT_OPTIONS: OpenDentalApiAdapterOptions = {
  throttleKeyPrefix: 'opendental-api:throttle', throttleMarginMs: 15, maxAttempts: 6, retryBaseDelayMs: 1000, retryMaxDelayMs: 30_000,
};

const DESCRIPTOR: VendorDescriptor = {
  id: 'opendental-api',
  name: 'OpenDental (REST API)',
  category: 'dental_pms',
  description: "Reads and writes an OpenDental office through OpenDental's REST API (cloud through the eConnector, or the office's Local API / API Service).",
  capabilities: {
    resources: ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents'],
    // Documents: an incremental reads them only for patients new or changed since the checkpoint (resource-reads.ts).
    incremental: ['providers', 'patients', 'appointments', 'documents'],
    // Every full pass lists all live rows; patplans and documents are hard-deleted, so only a full pass shows them gone.
    reconcileDeletes: ['providers', 'locations', 'patients', 'coverages', 'appointments', 'documents'],
  },
  configSchema: OPENDENTAL_API_CONFIG_SCHEMA,
  credentialFields: [
    { name: 'developerKey', label: 'Developer key', description: 'From the OpenDental Developer Portal.', required: true },
    { name: 'customerKey', label: 'Customer key', description: 'The key the office entered under Setup > Advanced Setup > API.', required: true },
  ],
};

/**
 * Adapter for OpenDental's REST API (vendor id `opendental-api`), following
 * OpenDental's API specification (https://www.opendental.com/site/apispecification.html; docs/vendors/opendental-api.md): ODFHIR auth and JSON on every request, Limit/Offset paging,
 * `DateTStamp`/`serverDateTime` increments, text enums and "true"/"false" booleans decoded by
 * the mappers it shares with `opendental-db`, and the per-customer-key throttle (1 request/s,
 * 1 per 5 s read-only) shared by every worker through Redis.
 *
 * Checkpoint: `{ v: 1, streams: { <stream>: { since, offset, passServerDateTime, recent } } }`,
 * one stream per resource (per clinic when `clinicNums` is set). See stream-reader.ts.
 */
@Injectable()
export class OpenDentalApiAdapter implements ProviderAdapter {
  readonly descriptor = DESCRIPTOR;

  /**
   * Write-back (perform-action.ts): create_patient, create_appointment with an availability
   * check → CONFLICT 409, confirm, cancel = Break, reschedule = Break then create with restore on
   * failure, add note; and open blocks from GET /appointments/Slots.
   * @throws ProviderException (BAD_REQUEST: OpenDental refused the fields; CONFLICT: operatory taken or
   *   appointment not Scheduled; temporary: throttled or unreachable; UNSUPPORTED: read-only key).
   */
  readonly writeBack: WriteBackCapability = {
    actions: ACTION_TYPES,
    performAction: async (ctx, action) => new OpenDentalApiActions(this.writes(ctx, true), withDefaults(ctx.config)).perform(action),
    findSlots: async (ctx, query) => new OpenDentalApiActions(this.writes(ctx, false), withDefaults(ctx.config)).findSlots(query),
  };

  /**
   * API Events (opendental.com/site/apievents.html): the customer key checks the
   * delivery (api-events.verifier.ts), the body gives patient and appointment ids, and the
   * current rows are fetched one by one. OpenDental has no registration API: the office sets
   * the URL up in its API Events settings.
   */
  readonly webhooks: WebhookCapability = {
    descriptor: OPENDENTAL_API_WEBHOOKS,
    schemes: OPENDENTAL_API_SCHEMES,
    parse: (_ctx, delivery) => parseApiEvents(delivery.body),
    fetchRecords: (ctx, resource, externalIds) => this.fetchRecords(ctx, resource, externalIds),
  };

  private readonly options: OpenDentalApiAdapterOptions;
  private readonly throttle: SharedThrottle;

  constructor(@Inject(REDIS) redis: IORedis, @Optional() @Inject(OPENDENTAL_API_ADAPTER_OPTIONS) options?: Partial<OpenDentalApiAdapterOptions>) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.throttle = new SharedThrottle(redis, this.options.throttleKeyPrefix);
  }

  /** IANA timeZone, pageSize ≤ 100 unless local/service, no link-local or metadata host. */
  validateConfig(config: Record<string, unknown>): Array<{ field: string; errors: string[] }> {
    return checkConfig(config);
  }

  /** The integration's client: its keys, timeout and throttle interval (none for the Local API / API Service). */
  private client(ctx: AdapterContext, config: OpenDentalApiConfig): OpenDentalApiClient {
    const { developerKey, customerKey } = ctx.credentials;
    if (!developerKey || !customerKey) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'credentials.developerKey and credentials.customerKey are required');
    const vendorInterval = config.apiMode !== 'remote' ? 0 : this.options.intervalMs ?? (config.readOnly ? 5000 : 1000);
    return new OpenDentalApiClient(
      { baseUrl: config.baseUrl, developerKey, customerKey, timeoutMs: config.requestTimeoutMs, intervalMs: vendorInterval > 0 ? vendorInterval + this.options.throttleMarginMs : 0, signal: ctx.signal },
      this.throttle,
      { maxAttempts: this.options.maxAttempts, baseDelayMs: this.options.retryBaseDelayMs, maxDelayMs: this.options.retryMaxDelayMs },
    );
  }

  /** One `GET /providers?Limit=1` (no patient data). Answers `ok: false` with a safe message on failure. */
  async testConnection(ctx: AdapterContext): Promise<ConnectionTestResult> {
    const config = withDefaults(ctx.config);
    try {
      await this.client(ctx, config).get('/providers', { Limit: 1 });
      return { ok: true, message: 'Connected; OpenDental accepted the keys', details: { apiMode: config.apiMode, readOnly: config.readOnly } };
    } catch (error) {
      if (error instanceof ProviderException) return { ok: false, message: error.message, details: { code: error.code } };
      throw error;
    }
  }

  /**
   * Reads one resource in batches (see resource-reads.ts). Stops quietly between requests when
   * `ctx.signal` fires. @throws ProviderException (temporary: throttled, unreachable, 5xx after
   * retries; permanent: authentication failed, refused request; RESOURCE_FORBIDDEN / RESOURCE_NOT_FOUND
   * when a list endpoint of this resource answers 403 / 404: that resource alone fails).
   */
  async *read(ctx: AdapterContext, request: ReadRequest): AsyncGenerator<ReadBatch> {
    const config = withDefaults(ctx.config);
    const reader = readResource(this.client(ctx, config), config, request.resource, request, ctx.signal);
    if (!reader) return;
    try {
      yield* reader;
    } catch (error) {
      if (error instanceof RequestAborted) return;
      throw asResourceFailure(error);
    }
  }

  /**
   * Which resources these keys can read: one `Limit=1` request per list endpoint a resource
   * reads (resource-access.ts; nine at most, about 9 s on a remote key's 1 request/s). A
   * read-only remote key (1 request per 5 s) is not probed: every resource answers
   * `readable: null` with that reason. @throws ProviderException when OpenDental cannot be reached.
   */
  async probeResources(ctx: AdapterContext): Promise<Partial<Record<ResourceType, ResourceReadability>>> {
    const config = withDefaults(ctx.config);
    const resources = DESCRIPTOR.capabilities.resources;
    if (config.apiMode === 'remote' && config.readOnly && this.options.intervalMs === undefined) {
      const reason = 'Not probed: a read-only key allows one request per 5 s, and probing takes nine';
      return Object.fromEntries(resources.map((r) => [r, { readable: null, reason }]));
    }
    return probeEndpoints(this.client(ctx, config), resources);
  }

  private writes(ctx: AdapterContext, write: boolean): OpenDentalApiWrites {
    const config = withDefaults(ctx.config);
    if (write && config.readOnly) throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, 'This integration has a read-only OpenDental key: writes are not allowed');
    return new OpenDentalApiWrites(this.client(ctx, config), config);
  }

  /**
   * Current patients (GET /patients/{PatNum}) or appointments (GET /appointments/{AptNum}), one
   * request per id through the shared throttle; ids OpenDental no longer knows (404) are left out.
   * @throws ProviderException (temporary: throttled or unreachable; UNSUPPORTED for other resources).
   */
  private async fetchRecords(ctx: AdapterContext, resource: ResourceType, externalIds: string[]): Promise<CanonicalRecord[]> {
    if (resource !== 'patients' && resource !== 'appointments') throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `API Events carry no ${resource}`, { temporary: false });
    const writes = this.writes(ctx, false);
    const records: CanonicalRecord[] = [];
    for (const id of externalIds) {
      try {
        const record = resource === 'patients' ? (await writes.getPatient(Number(id))).record : (await writes.getAppointment(Number(id))).record;
        if (record) records.push(record);
      } catch (error) {
        if (!(error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND)) throw error;
      }
    }
    return records;
  }

  /** GET /patients/{PatNum}. @throws ProviderException NOT_FOUND. */
  async getPatient(ctx: AdapterContext, patNum: number): Promise<PatientResult> {
    return this.writes(ctx, false).getPatient(patNum);
  }

  /**
   * POST /patients. OpenDental's duplicate check (same LName, FName, Birthdate and Email or a
   * phone) returns the existing patient: then `duplicate: true` and nothing was created.
   * @throws OpenDentalApiException (vendorStatus 400 for a refused body; outcomeUnknown when the answer was lost and no patient was found).
   */
  async createPatient(ctx: AdapterContext, input: OdPatientCreate): Promise<PatientResult> {
    return this.writes(ctx, true).createPatient(input);
  }

  /** GET /appointments/{AptNum}. @throws ProviderException NOT_FOUND. */
  async getAppointment(ctx: AdapterContext, aptNum: number): Promise<AppointmentResult> {
    return this.writes(ctx, false).getAppointment(aptNum);
  }

  /** GET /appointments with filters, every page (for availability checks before a booking). */
  async findAppointments(ctx: AdapterContext, query: OdAppointmentQuery): Promise<AppointmentResult[]> {
    return this.writes(ctx, false).findAppointments(query);
  }

  /**
   * POST /appointments (OpenDental does not refuse overlaps: check getSlots/findAppointments first).
   * When the answer is lost, looks for the booking (same PatNum, Op, AptDateTime) and returns it with `recovered: true`.
   * @throws OpenDentalApiException (outcomeUnknown when not found: look again before retrying).
   */
  async createAppointment(ctx: AdapterContext, input: OdAppointmentCreate): Promise<AppointmentResult> {
    return this.writes(ctx, true).createAppointment(input);
  }

  /** PUT /appointments/{AptNum}/Break (only Scheduled appointments; else vendorStatus 400), then the appointment as it is now. */
  async breakAppointment(ctx: AdapterContext, aptNum: number, options: OdBreakOptions): Promise<AppointmentResult> {
    return this.writes(ctx, true).breakAppointment(aptNum, options);
  }

  /** PUT /appointments/{AptNum}/Confirm with a confirmVal or an ApptConfirmed defNum, then the appointment. */
  async confirmAppointment(ctx: AdapterContext, aptNum: number, confirmation: OdConfirmation): Promise<AppointmentResult> {
    return this.writes(ctx, true).confirmAppointment(aptNum, confirmation);
  }

  /** PUT /appointments/{AptNum}/Note (appends a line), then the appointment. */
  async appendAppointmentNote(ctx: AdapterContext, aptNum: number, note: string): Promise<AppointmentResult> {
    return this.writes(ctx, true).appendAppointmentNote(aptNum, note);
  }

  /** GET /appointments/Slots: open blocks (not per-length slots) with UTC instants and office-local times. */
  async getSlots(ctx: AdapterContext, query: OdSlotQuery): Promise<Slot[]> {
    return this.writes(ctx, false).getSlots(query);
  }
}
