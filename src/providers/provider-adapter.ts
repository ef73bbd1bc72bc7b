import type { WebhookSchemeDefinition } from './webhook-verifier';

/**
 * The one interface every vendor adapter implements (OpenDental DB and API, NexHealth, the
 * FHIR R4 EHRs). Core modules depend only on this file and the registry, never on a vendor.
 *
 * Shape of a sync: the engine asks `read()` for one resource with the checkpoint it saved
 * last time (null = start a full pass); the adapter yields batches of canonical records, each
 * with the checkpoint that covers it. The engine writes a batch and its checkpoint in one
 * transaction, so a crash resumes after the last committed batch. Checkpoints are opaque
 * JSON owned by the adapter: a keyset `(DateTStamp, PatNum)` for OpenDental's database, an
 * `Offset` plus `serverDateTime` for its API, a cursor for NexHealth, a `_lastUpdated`
 * instant or a Bulk Data `$export` status URL for FHIR servers.
 */
import type { ResourceFailureCode } from './provider.exception';

import type { CanonicalRecord, ResourceType } from '../canonical';

/** The canonical types live in src/canonical; re-exported so adapters and core import them from one place. */
export { RESOURCE_ORDER } from '../canonical';
export type { CanonicalData, CanonicalRecord, ResourceType } from '../canonical';

/** Vendor categories shown in the catalog. */
export type VendorCategory = 'dental_pms' | 'ehr' | 'integration_platform';

/**
 * What an adapter reads. The optional capabilities (webhooks, write-back, listing databases)
 * are not flags here: an adapter has them when it provides the matching object
 * ({@link ProviderAdapter.webhooks}, {@link ProviderAdapter.writeBack}, {@link ProviderAdapter.listDatabases}).
 */
export interface VendorCapabilities {
  /** Resources the adapter can read. */
  resources: ResourceType[];
  /** Resources that support incremental reads from a checkpoint (the rest are read whole each time). */
  incremental: ResourceType[];
  /**
   * Resources whose full pass (a read from no checkpoint) lists every live record the adapter
   * stores, so a record a complete full pass did not see was deleted at the source (deletes by
   * reconciliation, docs/sync-jobs.md). Leave out a resource whose full pass is partial by design
   * (a rolling date window, a search the vendor caps). Incremental ones among them also get a
   * periodic full pass on the integration's reconciliation interval.
   */
  reconcileDeletes?: ResourceType[];
  /**
   * Incremental resources that tombstone by reconciliation inside the adapter (for example FHIR,
   * which reads unseen ids back by id before tombstoning, so windowed reads stay safe): an
   * incremental schedule still makes their full pass every reconciliation interval, without the
   * engine's own sweep.
   */
  periodicFullPass?: ResourceType[];
}

/** A credential the integration form asks for; values are never returned by the API. */
export interface CredentialField {
  name: string;
  label: string;
  description?: string;
  required: boolean;
}

/** Catalog entry describing a vendor. `configSchema` is a JSON Schema (draft 2020-12 subset) a frontend can render as a form. */
export interface VendorDescriptor {
  id: string;
  name: string;
  category: VendorCategory;
  description: string;
  capabilities: VendorCapabilities;
  configSchema: Record<string, unknown>;
  credentialFields: CredentialField[];
}

/**
 * Signature schemes every vendor may use, verified by the webhooks module itself: Standard
 * Webhooks and plain HMAC-SHA256/512 over the body. A vendor with a scheme of its own declares
 * it in {@link WebhookCapability.schemes}; the registry adds those to this set.
 */
export const GENERIC_WEBHOOK_SCHEMES = ['standard-webhooks', 'hmac-sha256', 'hmac-sha512'] as const;
/** A scheme name: one of {@link GENERIC_WEBHOOK_SCHEMES} or one a registered adapter declares. */
export type WebhookScheme = string;

/** What a vendor's webhooks look like in the catalog: its default scheme, the schemes it can use, and the event names it sends. */
export interface WebhookDescriptor {
  defaultScheme: WebhookScheme;
  schemes: WebhookScheme[];
  /** Event names a webhook configuration may subscribe to (e.g. `patients`, `appointments`). */
  events: string[];
}

/** A verified, stored delivery as the processor hands it to the adapter (raw bytes, decrypted). */
export interface WebhookDeliveryPayload {
  /** Our delivery id (the vendor's id, or a hash of the body when it sends none). */
  deliveryId: string;
  body: Buffer;
}

/** A change a delivery announces: the resource and the vendor ids to fetch again. */
export interface WebhookChange {
  resource: ResourceType;
  externalIds: string[];
}

/** Everything an adapter needs for one call: the integration's validated config and decrypted credentials. */
export interface AdapterContext {
  organizationId: string;
  integrationId: string;
  environment: 'sandbox' | 'production';
  config: Record<string, unknown>;
  credentials: Record<string, string>;
  /** Aborted when the job is cancelled or the process shuts down; adapters stop between pages. */
  signal?: AbortSignal;
  /**
   * External ids of this integration's live stored records of a resource, ascending, in pages,
   * after `after` (exclusive). Given by the sync engine; adapters of servers that search only
   * within a patient fan out over the stored patients with it (FHIR per-patient reads).
   */
  storedExternalIds?(resource: ResourceType, after: string | null): AsyncIterable<string[]>;
}

/** Result of `testConnection`. `message` is safe to show (no secrets, no PHI). */
export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Whether one resource can be read with an integration's credentials (`probeResources`):
 * `readable: true`; `false` with the stable code and a PHI-free message a sync would record on
 * that resource (`resource_not_found`: table or endpoint missing; `resource_forbidden`: not
 * granted); or `null` with the reason it was not probed (for example too many throttled requests).
 */
export type ResourceReadability =
  | { readable: true }
  | { readable: false; code: ResourceFailureCode; message: string }
  | { readable: null; reason: string };

/** Opaque, JSON-serialisable position in a vendor's change stream. */
export type Checkpoint = Record<string, unknown>;

/** One read request: a resource, where to start, and how much to take. */
export interface ReadRequest {
  resource: ResourceType;
  /** null = start a full pass from the beginning. */
  checkpoint: Checkpoint | null;
  /**
   * With `checkpoint: null`: the checkpoint the previous pass left, if any. An adapter may carry
   * forward what it knew (the ids of the last pass, to tombstone those a new full pass no longer sees).
   */
  priorCheckpoint?: Checkpoint | null;
  /** Records per batch (the engine's transaction size). */
  batchSize: number;
  /** Stop after this many source rows; the last checkpoint lets the next run continue. */
  limit?: number;
}

/** A source row that was not stored, with a reason code and a message free of PHI. */
export interface RecordIssue {
  externalId: string | null;
  code: string;
  message: string;
}

/** One batch of a read. `checkpoint` covers every row in it and before it. */
export interface ReadBatch {
  records: CanonicalRecord[];
  /** External ids the source reports as deleted (for example OpenDental `deletedobject`). */
  deletedExternalIds: string[];
  skipped: RecordIssue[];
  failed: RecordIssue[];
  /** Source rows consumed by this batch (records + skipped + failed + tombstones). */
  fetched: number;
  checkpoint: Checkpoint;
}

/** Write-back actions the actions API offers (vendor-neutral names). */
export const ACTION_TYPES = [
  'create_patient', 'create_appointment', 'confirm_appointment', 'cancel_appointment', 'reschedule_appointment', 'add_appointment_note',
  'update_patient',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** A validated action: `payload` has passed the core DTO for its type (see modules/actions). */
export interface ActionRequest {
  type: ActionType;
  payload: Record<string, unknown>;
}

/**
 * What the vendor answered. `result` is returned to the caller and stored (no secrets);
 * `records` are the vendor's current versions of what changed, upserted into our store.
 */
export interface ActionOutcome {
  result: Record<string, unknown>;
  records: Array<{ resource: ResourceType; record: CanonicalRecord }>;
}

/** An open block of time (§1.5 Slots): instants in ISO 8601 UTC, with the office-local day. */
export interface AppointmentSlot {
  start: string;
  end: string;
  localDate: string;
  providerExternalId: string | null;
  locationExternalId: string | null;
}

/** A webhook registered at the vendor by {@link WebhookCapability.register}. */
export interface WebhookRegistration {
  vendorEndpointId: string;
  /** The signing secret the vendor issued. */
  secret: string;
  subscriptionIds: string[];
}

/**
 * The webhooks capability: how the vendor signs and what it sends, how a verified delivery
 * becomes changed ids, and how the current records are fetched. Core code never names a
 * scheme or a vendor: it asks this object.
 */
export interface WebhookCapability {
  readonly descriptor: WebhookDescriptor;

  /**
   * The vendor's own signature schemes by name (names unique across vendors), with their
   * verifier and where their secret comes from. Generic schemes are not listed here.
   */
  readonly schemes?: Readonly<Record<string, WebhookSchemeDefinition>>;

  /**
   * Turns a verified delivery into changed ids (never trusts the payload's data: the hub
   * fetches the current records with {@link fetchRecords}).
   * @throws ProviderException BAD_REQUEST (permanent) when the body is not what the vendor sends.
   */
  parse(ctx: AdapterContext, delivery: WebhookDeliveryPayload): WebhookChange[];

  /**
   * The vendor's current version of each id (ids the vendor no longer knows are left out).
   * @throws ProviderException (temporary ones are retried by the queue).
   */
  fetchRecords(ctx: AdapterContext, resource: ResourceType, externalIds: string[]): Promise<CanonicalRecord[]>;

  /**
   * Present when the vendor registers webhook endpoints through its API ("auto-sync"):
   * registers `targetUrl` and subscribes to `events` (names from `descriptor.events`). The
   * vendor issues the signing secret.
   * @throws ProviderException.
   */
  register?(ctx: AdapterContext, request: { targetUrl: string; events: string[] }): Promise<WebhookRegistration>;

  /** Present with `register`: removes what it created (gone already = done). @throws ProviderException. */
  unregister?(ctx: AdapterContext, ref: { vendorEndpointId: string; subscriptionIds: string[] }): Promise<void>;
}

/** Query of {@link WriteBackCapability.findSlots}: office-local dates (inclusive), minutes, vendor ids. */
export interface SlotQuery {
  dateStart: string;
  dateEnd: string;
  lengthMinutes?: number;
  providerExternalId?: string;
  locationExternalId?: string;
}

/** The write-back capability: the actions the vendor accepts, performing one, and open slots. */
export interface WriteBackCapability {
  /** Action types this vendor performs; others answer NOT_SUPPORTED before any vendor call. */
  readonly actions: readonly ActionType[];

  /**
   * Performs one action at the vendor.
   * @throws ProviderException (CONFLICT-like vendor refusals are permanent, throttling temporary).
   */
  performAction(ctx: AdapterContext, action: ActionRequest): Promise<ActionOutcome>;

  /** Open appointment blocks between two office-local dates (inclusive). @throws ProviderException. */
  findSlots(ctx: AdapterContext, query: SlotQuery): Promise<AppointmentSlot[]>;
}

/** The "select database" capability: database names on the integration's server, system schemas left out. */
export interface ListDatabasesCapability {
  /** @throws ProviderException (authentication, unreachable). */
  list(ctx: AdapterContext): Promise<string[]>;
}

/** A public JSON Web Key (RFC 7517): public members only, with `kid`, `alg` and `use: "sig"`. */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  alg: string;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** A key pair the hub made for a client: the private half for the credentials, the public half for the JWKS. */
export interface GeneratedClientKey {
  /** PEM (PKCS#8), stored encrypted under the credential field {@link ClientKeyCapability.credentialField}. */
  privateKeyPem: string;
  publicJwk: PublicJwk;
}

/**
 * The "hub-generated client keys" capability (SMART Backend Services with a JWKS URL): when an
 * integration is created without any credential, the hub generates the key pair with this object,
 * keeps the private key like any credential and serves the public keys at
 * `GET /api/v1/integrations/:id/jwks.json`; rotation generates another.
 */
export interface ClientKeyCapability {
  /** The credential field that holds the private key (`privateKey`). */
  readonly credentialField: string;
  /** The config field that names the key in use (`keyId`, the JWT `kid`). */
  readonly keyIdField: string;
  /** A new key pair for the integration's config (its signing algorithm). */
  generate(config: Record<string, unknown>): GeneratedClientKey;
}

/**
 * The count capability (count reconciliation): how many live records a full read of a resource
 * would store, asked of the source where that is cheap (one `COUNT(*)`, one search total), so a
 * full sync can compare it with what the hub holds afterwards.
 */
export interface SourceCountCapability {
  /**
   * The number of source rows a full read of `resource` right now would store as live records:
   * the read's own filters applied, rows it would skip or mark deleted left out. `null` when the
   * source cannot count this resource cheaply (or not the way the read filters it).
   * @throws ProviderException when the source cannot be reached (the sync goes on without a count).
   */
  countSource(ctx: AdapterContext, resource: ResourceType): Promise<number | null>;
}

/**
 * A vendor adapter. Required: identity, `testConnection`, `read`. Optional capabilities are
 * objects (`webhooks`, `writeBack`, `listDatabases`, `counts`): present means supported.
 */
export interface ProviderAdapter {
  readonly descriptor: VendorDescriptor;

  /** Checks that the vendor answers with these credentials. Never throws for expected failures (bad password, unreachable): it answers `ok: false`. */
  testConnection(ctx: AdapterContext): Promise<ConnectionTestResult>;

  /**
   * Reads one resource from `request.checkpoint` in batches. The iterator ends when the
   * source has nothing newer or `limit` is reached.
   * @throws ProviderException (temporary or permanent).
   */
  read(ctx: AdapterContext, request: ReadRequest): AsyncIterable<ReadBatch>;

  /**
   * Optional: which of `capabilities.resources` these credentials can read, by the cheapest
   * request per resource (a `SELECT 1 … LIMIT 0` per table, one list request with a page of one).
   * Called by the connection test after `testConnection` succeeded; reads no PHI.
   * @throws ProviderException when the vendor cannot be reached at all (not for one unreadable resource).
   */
  probeResources?(ctx: AdapterContext): Promise<Partial<Record<ResourceType, ResourceReadability>>>;

  /** Checks the rules a JSON Schema cannot express (for example an IANA time zone); returns one entry per bad field, named `config.<field>`. */
  validateConfig?(config: Record<string, unknown>): Array<{ field: string; errors: string[] }>;

  /** Present when the vendor pushes change notifications. */
  readonly webhooks?: WebhookCapability;

  /** Present when the adapter can write changes back (book appointments, create patients…). */
  readonly writeBack?: WriteBackCapability;

  /** Present when the adapter can list databases on the server (the setup form's "select database" step). */
  readonly listDatabases?: ListDatabasesCapability;

  /** Present when the source can count what a full read would store (count reconciliation after full syncs). */
  readonly counts?: SourceCountCapability;
  /** Present when the vendor authenticates clients by a key the hub can generate and publish as a JWKS. */
  readonly clientKeys?: ClientKeyCapability;
}
