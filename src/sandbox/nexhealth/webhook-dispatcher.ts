import { Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { NexWebhookEndpoint } from './institution';
import { iso } from './reference-data';

/** NexHealth's retry delays after a failed delivery (§3 [NEX-WH]): 30 s, 1.5 min, 3.5 min, 10 min, 30 min, 2 h, 5 h, 10 h, 24 h, 48 h. */
export const RETRY_SCHEDULE_MS = [30_000, 90_000, 210_000, 600_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000, 172_800_000];

/**
 * The NexHealth signature (§3 [NEX-SIG]): hex(HMAC-SHA256(secret_key, `${timestamp}.${base64(rawBody)}`)),
 * sent with the `timestamp` header (ISO 8601).
 */
export function signNexHealth(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body.toString('base64')}`).digest('hex');
}

/** One delivery attempt, as the sandbox logs it for tests. */
export interface DeliveryAttempt {
  endpointId: number;
  resourceType: string;
  event: string;
  /** 0 = first delivery, n = n-th retry. */
  attempt: number;
  at: string;
  /** The receiver's status, or null when it could not be reached. */
  status: number | null;
  ok: boolean;
}

/** A webhook delivery body (§3, secondary): `{ resource_type, event_name, event_time, data, delivery_errors }`. */
export interface WebhookEvent {
  resource_type: string;
  event_name: string;
  event_time: string;
  data: Record<string, unknown>;
}

const LOG_LIMIT = 5_000;

/**
 * Delivers webhook events to endpoints: signs each attempt afresh (new `timestamp`), treats
 * any non-2xx or network error as a failure and retries on NexHealth's schedule multiplied by
 * `timeScale`; when the last retry fails the endpoint is set `active: false` (NexHealth: after
 * 48 h of failures). `delivery_errors` carries the reasons of the previous attempts.
 */
export class WebhookDispatcher {
  private readonly logger = new Logger('NexHealthSandboxWebhooks');
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly log: DeliveryAttempt[] = [];

  constructor(private readonly settings: { timeScale: number; timeoutMs: number }) {}

  /** Sends the event to each endpoint; resolves when every FIRST attempt has finished (retries run later). */
  async dispatch(endpoints: NexWebhookEndpoint[], event: WebhookEvent): Promise<DeliveryAttempt[]> {
    return Promise.all(endpoints.map((endpoint) => this.attempt(endpoint, event, 0, [])));
  }

  /** Cancels every pending retry (module shutdown, reset). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(endpoint: NexWebhookEndpoint, event: WebhookEvent, attempt: number, errors: string[]): Promise<DeliveryAttempt> {
    const body = Buffer.from(JSON.stringify({ ...event, delivery_errors: errors }));
    const timestamp = iso(Date.now());
    let status: number | null = null;
    try {
      const res = await fetch(endpoint.target_url, {
        method: 'POST', body, signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: { 'Content-Type': 'application/json', timestamp, signature: signNexHealth(endpoint.secret_key, timestamp, body) },
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      this.logger.debug({ endpointId: endpoint.id, errorClass: error instanceof Error ? error.name : 'Error' }, 'webhook delivery failed');
    }
    const ok = status !== null && status >= 200 && status < 300;
    const entry: DeliveryAttempt = { endpointId: endpoint.id, resourceType: event.resource_type, event: event.event_name, attempt, at: timestamp, status, ok };
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    if (!ok) this.scheduleRetry(endpoint, event, attempt, [...errors, status === null ? 'connection failed' : `HTTP ${status}`]);
    return entry;
  }

  private scheduleRetry(endpoint: NexWebhookEndpoint, event: WebhookEvent, attempt: number, errors: string[]): void {
    if (attempt >= RETRY_SCHEDULE_MS.length) {
      endpoint.active = false;
      endpoint.updated_at = iso(Date.now());
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!endpoint.active) return;
      void this.attempt(endpoint, event, attempt + 1, errors);
    }, Math.max(0, Math.round(RETRY_SCHEDULE_MS[attempt] * this.settings.timeScale)));
    timer.unref();
    this.timers.add(timer);
  }
}
