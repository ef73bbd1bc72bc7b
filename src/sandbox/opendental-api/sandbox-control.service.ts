import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RequestLog, SandboxRequestEntry } from '../common/request-log';
import { createHash } from 'node:crypto';
import IORedis from 'ioredis';
import { assertDatabaseName } from '../opendental-db/connection';
import { OPENDENTAL_API_SANDBOX_OPTIONS, OpenDentalApiSandboxOptions, SANDBOX_DEVELOPER_KEY, SandboxCustomer, SandboxOfficeHours } from './sandbox-options';
import { takeThrottle, ThrottleCheck } from './throttle';

/** A registered customer as the gate uses it. `keyHash` (SHA-256 of the customer key) is what Redis and logs hold. */
export interface ResolvedCustomer {
  keyHash: string;
  database: string;
  readOnly: boolean;
  minIntervalMs: number;
  /** Largest `Limit`: 100 for the remote API, 1000 for the Local API / API Service (§1.3). */
  maxLimit: number;
  developerKeyHash: string | null;
}

/**
 * A scripted failure for tests. The next `count` requests of the customer that match `method`
 * and `pathIncludes` (after auth and throttle) are delayed by `delayMs` before they run (a slow
 * office: the client times out and nothing happened yet), answered with `status` instead of
 * running (e.g. 503, 504, 429 with `retryAfterSeconds`), or run and then have their answer held
 * back `holdResponseMs` (the client times out although the write happened).
 */
export interface FaultSpec {
  status?: number;
  body?: string;
  retryAfterSeconds?: number;
  delayMs?: number;
  holdResponseMs?: number;
  /** Default 1. */
  count?: number;
  method?: string;
  pathIncludes?: string;
}

export type { SandboxRequestEntry };

const CACHE_MS = 5_000;

export function keyHash(customerKey: string): string {
  return createHash('sha256').update(customerKey).digest('hex');
}

/**
 * Control surface of the simulated OpenDental API (`/sandbox/opendental/api/v1`):
 * - a customer registry in Redis (`<prefix>:customer:<sha256(customerKey)>`, so every process
 *   serving the sandbox sees the same customers and no key is stored in clear), mapping a
 *   customer key to an office database, its permission (read-only or not) and throttle;
 * - the per-key throttle, shared through Redis (`<prefix>:sandbox-throttle:<sha256>`);
 * - fault injection and a request log for tests (both per process).
 * Developer key: {@link SANDBOX_DEVELOPER_KEY}, or the `developerKey` given at registration.
 */
@Injectable()
export class OpenDentalApiSandbox implements OnModuleInit, OnModuleDestroy {
  readonly officeHours: SandboxOfficeHours;
  readonly enabled: boolean;
  private readonly redis: IORedis;
  private readonly ownsRedis: boolean;
  private readonly prefix: string;
  /** Customers registered by this process: they keep working if Redis loses the registry (restart, flush). */
  private readonly local = new Map<string, ResolvedCustomer>();
  private readonly cache = new Map<string, { customer: ResolvedCustomer | null; until: number }>();
  private readonly faults = new Map<string, FaultSpec[]>();
  private readonly log = new RequestLog();

  constructor(@Inject(OPENDENTAL_API_SANDBOX_OPTIONS) private readonly options: OpenDentalApiSandboxOptions) {
    this.ownsRedis = typeof options.redis === 'string';
    this.redis = typeof options.redis === 'string' ? new IORedis(options.redis, { maxRetriesPerRequest: 3 }) : options.redis;
    this.prefix = options.keyPrefix ?? 'odapi-sandbox';
    this.enabled = options.enabled ?? true;
    this.officeHours = { open: '07:00', close: '17:00', days: [1, 2, 3, 4, 5], ...options.officeHours };
  }

  async onModuleInit(): Promise<void> {
    for (const customer of this.options.customers ?? []) await this.registerCustomer(customer);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.ownsRedis) await this.redis.quit().catch(() => undefined);
  }

  /**
   * Links a customer key to an office database (replacing any earlier registration).
   * @throws Error for an invalid database name or interval.
   */
  async registerCustomer(customer: SandboxCustomer): Promise<void> {
    assertDatabaseName(customer.database);
    const readOnly = customer.readOnly ?? false;
    const minIntervalMs = customer.minIntervalMs ?? (customer.mode === 'local' ? 0 : readOnly ? 5000 : 1000);
    if (!Number.isInteger(minIntervalMs) || minIntervalMs < 0) throw new Error('minIntervalMs must be an integer >= 0');
    const resolved: ResolvedCustomer = {
      keyHash: keyHash(customer.customerKey), database: customer.database, readOnly, minIntervalMs,
      maxLimit: customer.mode === 'local' ? 1000 : 100, developerKeyHash: customer.developerKey ? keyHash(customer.developerKey) : null,
    };
    await this.redis.set(`${this.prefix}:customer:${resolved.keyHash}`, JSON.stringify(resolved));
    await this.redis.del(`${this.prefix}:sandbox-throttle:${resolved.keyHash}`);
    this.local.set(resolved.keyHash, resolved);
  }

  /** Removes a customer key: its requests answer 401 from then on (other processes within 5 s). */
  async unregisterCustomer(customerKey: string): Promise<void> {
    const hash = keyHash(customerKey);
    await this.redis.del(`${this.prefix}:customer:${hash}`, `${this.prefix}:sandbox-throttle:${hash}`);
    this.local.delete(hash);
    this.cache.delete(hash);
  }

  /** The customer for an `ODFHIR {developerKey}/{customerKey}` pair, or null (→ 401): this process's registrations first, then Redis's (cached 5 s). */
  async authenticate(developerKey: string, customerKey: string): Promise<ResolvedCustomer | null> {
    const hash = keyHash(customerKey);
    let entry = this.local.has(hash) ? { customer: this.local.get(hash)!, until: Infinity } : this.cache.get(hash);
    if (!entry || entry.until < Date.now()) {
      const stored = await this.redis.get(`${this.prefix}:customer:${hash}`);
      entry = { customer: stored ? (JSON.parse(stored) as ResolvedCustomer) : null, until: Date.now() + CACHE_MS };
      this.cache.set(hash, entry);
    }
    const customer = entry.customer;
    if (!customer) return null;
    if (developerKey === SANDBOX_DEVELOPER_KEY || (customer.developerKeyHash !== null && keyHash(developerKey) === customer.developerKeyHash)) return customer;
    return null;
  }

  /** Takes the customer's throttle: `waitMs` 0 = go, else the ms to wait (→ 429 with Retry-After). */
  throttle(customer: ResolvedCustomer): Promise<ThrottleCheck> {
    return takeThrottle(this.redis, `${this.prefix}:sandbox-throttle:${customer.keyHash}`, customer.minIntervalMs);
  }

  /** Queues a scripted failure for the customer's next matching requests (see {@link FaultSpec}). */
  injectFaults(customerKey: string, fault: FaultSpec): void {
    const hash = keyHash(customerKey);
    this.faults.set(hash, [...(this.faults.get(hash) ?? []), { ...fault, count: fault.count ?? 1 }]);
  }

  clearFaults(customerKey: string): void {
    this.faults.delete(keyHash(customerKey));
  }

  /** The fault for this request, if one is queued and matches (its count is used up). */
  takeFault(hash: string, method: string, path: string): FaultSpec | null {
    const queue = this.faults.get(hash);
    const index = queue?.findIndex((f) => (!f.method || f.method.toUpperCase() === method) && (!f.pathIncludes || path.includes(f.pathIncludes))) ?? -1;
    if (!queue || index < 0) return null;
    const fault = queue[index];
    fault.count = (fault.count ?? 1) - 1;
    if (fault.count <= 0) queue.splice(index, 1);
    return fault;
  }

  /** Adds a request to the customer's log and returns the entry (its status is filled in when answered). */
  recordRequest(hash: string, entry: SandboxRequestEntry): SandboxRequestEntry {
    return this.log.record(hash, entry);
  }

  /** Requests this process received for the customer, oldest first. */
  requests(customerKey: string): SandboxRequestEntry[] {
    return this.log.list(keyHash(customerKey));
  }

  clearRequests(customerKey: string): void {
    this.log.clear(keyHash(customerKey));
  }
}
