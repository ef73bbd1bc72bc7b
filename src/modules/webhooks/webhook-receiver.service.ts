import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { DELIVERY_ID_MAX, DELIVERY_ID_TOO_LONG, deliveryIdTooLong, WebhookSchemeDefinition } from '../../providers/webhook-verifier';
import { WebhookJobData } from '../../queue/queue.constants';
import { WEBHOOK_QUEUE } from '../../queue/queue.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { DeliveryEnqueuer, enqueueDelivery } from './webhook-queue';
import { WebhookCrypto } from './webhook-crypto';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookException } from './webhook.exception';
import { MetricsService } from '../operations/metrics.service';
import { WebhookRequest } from './verifiers';
import { WebhookSchemesService } from './webhook-schemes.service';
import { WebhookConfigBroadcast } from './webhook-config-broadcast';

/** Largest accepted body: the raw parser answers 413 above it, before any HMAC work (see bootstrap.ts). */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

const WEBHOOK_PATH = '/api/v1/webhooks/';

/**
 * True for the receiver's path (`/api/v1/webhooks/...`), whose body must stay raw bytes. Compared
 * without case, as Express routes: `/API/V1/Webhooks/…` reaches the receiver too, and must not
 * reach it with its body parsed away (it would then verify an empty body).
 */
export function isWebhookPath(url: string | undefined): boolean {
  return (url ?? '').slice(0, WEBHOOK_PATH.length).toLowerCase() === WEBHOOK_PATH;
}



/**
 * How long a process keeps an integration's webhook configuration (ms). A change made on any
 * node reaches every node's cache at once over Redis pub/sub (see {@link WebhookConfigBroadcast});
 * this lifetime only bounds a lost message. A delivery for a configuration deleted meanwhile is
 * refused when its INSERT finds no configuration. Saves one Postgres round trip per delivery.
 */
const ENDPOINT_CACHE_MS = 5_000;
const ENDPOINT_CACHE_MAX = 10_000;
const FOREIGN_KEY_VIOLATION = '23503';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The columns of `webhook_endpoints` the receiver reads. */
type ReceivingEndpoint = Pick<WebhookEndpoint, 'id' | 'organizationId' | 'integrationId' | 'signatureAlgorithm' | 'signatureHeader'
  | 'deliveryIdHeader' | 'secretCiphertext' | 'previousSecretCiphertext' | 'previousSecretExpiresAt'>;

interface EndpointRow {
  id: string;
  organization_id: string;
  integration_id: string;
  signature_algorithm: string;
  signature_header: string | null;
  delivery_id_header: string | null;
  secret_ciphertext: Buffer | null;
  previous_secret_ciphertext: Buffer | null;
  previous_secret_expires_at: Date | null;
}

/** What the receiver answers: a new delivery (202) or a replay of a stored one (200). */
export interface Received {
  deliveryRowId: string;
  duplicate: boolean;
}

/**
 * Receives `POST /api/v1/webhooks/:integrationId`: verifies the raw bytes with the integration's
 * scheme, then stores the delivery (payload encrypted) with a unique (integration, delivery id)
 * key BEFORE answering, and enqueues its id. A replay is acknowledged and not processed again.
 * Any verification failure is the same 401 (unknown integration included), with nothing stored.
 */
@Injectable()
export class WebhookReceiverService {
  private readonly logger = new Logger(WebhookReceiverService.name);
  private readonly cache = new Map<string, { endpoint: ReceivingEndpoint; until: number }>();
  private readonly enqueuer: DeliveryEnqueuer;

  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @Inject(WEBHOOK_QUEUE) private readonly queue: Queue<WebhookJobData>,
    private readonly integrations: IntegrationsService,
    private readonly crypto: WebhookCrypto,
    private readonly schemes: WebhookSchemesService,
    private readonly metrics: MetricsService,
    private readonly broadcast: WebhookConfigBroadcast,
  ) {
    this.enqueuer = new DeliveryEnqueuer(queue);
    broadcast.onChange((integrationId) => this.cache.delete(integrationId));
    // Disabled, re-enabled or deleted: every node reloads the configuration with the integration.
    integrations.onChange(async ({ integrationId }) => this.forget(integrationId));
  }

  /**
   * Drops the cached configuration of an integration (after create, rotate, delete) here at once
   * and on every other node through {@link WebhookConfigBroadcast}.
   */
  async forget(integrationId: string): Promise<void> {
    this.cache.delete(integrationId);
    await this.broadcast.announce(integrationId);
  }

  /**
   * Verifies and stores one delivery, counted in `webhook_deliveries_total{outcome,reason}`.
   * @throws WebhookException UNAUTHORIZED (401).
   */
  async receive(integrationId: string, request: WebhookRequest): Promise<Received> {
    const received = await this.verifyAndStore(integrationId, request);
    this.metrics.webhookDeliveries.inc({ outcome: received.duplicate ? 'duplicate' : 'accepted', reason: 'none' });
    return received;
  }

  /** The 401 every rejection answers, counted under its reason (a fixed code, never request data). */
  private rejected(reason: string): WebhookException {
    this.metrics.webhookDeliveries.inc({ outcome: 'rejected', reason });
    return WebhookException.unauthorized();
  }

  private async verifyAndStore(integrationId: string, request: WebhookRequest): Promise<Received> {
    if (!UUID.test(integrationId)) throw this.rejected('unknown_integration');
    const endpoint = await this.findEndpoint(integrationId);
    if (!endpoint) throw this.rejected('unknown_integration');
    const scheme = endpoint.signatureAlgorithm;
    const definition = this.schemes.resolve(scheme);
    if (!definition) {
      this.logger.warn({ integrationId, scheme }, 'webhook rejected: no adapter defines its scheme');
      throw this.rejected('unknown_scheme');
    }
    const secrets = await this.activeSecrets(endpoint, definition);
    const result = definition.verifier.verify(request, {
      secrets, signatureHeader: endpoint.signatureHeader, deliveryIdHeader: endpoint.deliveryIdHeader,
    });
    if (!result.ok && result.reason === DELIVERY_ID_TOO_LONG) {
      this.metrics.webhookDeliveries.inc({ outcome: 'rejected', reason: DELIVERY_ID_TOO_LONG });
      throw WebhookException.deliveryIdTooLong(DELIVERY_ID_MAX);
    }
    if (!result.ok) {
      this.logger.warn({ integrationId, scheme, reason: result.reason }, 'webhook rejected');
      throw this.rejected(typeof result.reason === 'string' && /^[a-z_]{1,40}$/.test(result.reason) ? result.reason : 'bad_signature');
    }
    // A vendor's own verifier may hand back a longer id without checking: still a 400, never a failed INSERT.
    if (deliveryIdTooLong(result.deliveryId)) {
      this.metrics.webhookDeliveries.inc({ outcome: 'rejected', reason: DELIVERY_ID_TOO_LONG });
      throw WebhookException.deliveryIdTooLong(DELIVERY_ID_MAX);
    }
    const deliveryId = result.deliveryId ?? `sha256:${createHash('sha256').update(request.body).digest('hex')}`;
    const id = randomUUID();
    let inserted: unknown[];
    try {
      inserted = await this.endpoints.query(
        `INSERT INTO webhook_deliveries (id, organization_id, integration_id, endpoint_id, delivery_id, payload_ciphertext, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (integration_id, delivery_id) DO NOTHING RETURNING id`,
        [id, endpoint.organizationId, integrationId, endpoint.id, deliveryId, this.crypto.sealPayload(id, request.body), new Date()],
      );
    } catch (error) {
      // The configuration was deleted since it was cached: refused like any unknown one.
      const failure = error as { code?: string; driverError?: { code?: string } };
      if ((failure.driverError?.code ?? failure.code) !== FOREIGN_KEY_VIOLATION) throw error;
      await this.forget(integrationId);
      throw this.rejected('unknown_integration');
    }
    if (inserted.length) {
      await this.enqueuer.enqueue(id);
      return { deliveryRowId: id, duplicate: false };
    }
    const [existing] = await this.endpoints.query(
      `SELECT id, status FROM webhook_deliveries WHERE integration_id = $1 AND delivery_id = $2`, [integrationId, deliveryId],
    ) as Array<{ id: string; status: string }>;
    // A first attempt whose enqueue failed is still pending: enqueue again (same job id, claimed once).
    if (existing?.status === 'pending') await enqueueDelivery(this.queue, existing.id);
    return { deliveryRowId: existing?.id ?? id, duplicate: true };
  }

  /** The integration's configuration, from this process's cache (ENDPOINT_CACHE_MS) or Postgres; unknown ones are never cached. */
  private async findEndpoint(integrationId: string): Promise<ReceivingEndpoint | null> {
    const hit = this.cache.get(integrationId);
    if (hit && hit.until > Date.now()) return hit.endpoint;
    const endpoint = await this.loadEndpoint(integrationId);
    if (!endpoint) {
      this.cache.delete(integrationId);
      return null;
    }
    if (this.cache.size >= ENDPOINT_CACHE_MAX) this.cache.clear();
    this.cache.set(integrationId, { endpoint, until: Date.now() + ENDPOINT_CACHE_MS });
    return endpoint;
  }

  /**
   * The integration's configuration with its secret ciphertexts, or null. One parameterised SELECT
   * of the columns the receiver reads: on this hot path TypeORM's query builder and entity
   * hydration took about 6% of the server thread's CPU in a profile of `npm run bench:webhooks`.
   */
  private async loadEndpoint(integrationId: string): Promise<ReceivingEndpoint | null> {
    const [row] = await this.endpoints.query(
      `SELECT id, organization_id, integration_id, signature_algorithm, signature_header, delivery_id_header,
              secret_ciphertext, previous_secret_ciphertext, previous_secret_expires_at
       FROM webhook_endpoints WHERE integration_id = $1`, [integrationId],
    ) as EndpointRow[];
    if (!row) return null;
    return {
      id: row.id, organizationId: row.organization_id, integrationId: row.integration_id,
      signatureAlgorithm: row.signature_algorithm, signatureHeader: row.signature_header, deliveryIdHeader: row.delivery_id_header,
      secretCiphertext: row.secret_ciphertext, previousSecretCiphertext: row.previous_secret_ciphertext, previousSecretExpiresAt: row.previous_secret_expires_at,
    };
  }

  /**
   * Current secret, plus the previous one while its grace period lasts; for a scheme keyed by a
   * credential (its definition says which), that credential of the integration.
   */
  private async activeSecrets(endpoint: ReceivingEndpoint, definition: WebhookSchemeDefinition): Promise<string[]> {
    if (definition.secret.source === 'credential') {
      const integration = await this.integrations.findForSystem(endpoint.integrationId);
      if (!integration) return [];
      const { ctx } = await this.integrations.adapterFor(integration);
      const key = ctx.credentials[definition.secret.field];
      return key ? [key] : [];
    }
    const secrets: string[] = [];
    if (endpoint.secretCiphertext) secrets.push(this.crypto.openSecret(endpoint.id, 'current', endpoint.secretCiphertext));
    if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > Date.now()) {
      secrets.push(this.crypto.openSecret(endpoint.id, 'previous', endpoint.previousSecretCiphertext));
    }
    return secrets;
  }
}
