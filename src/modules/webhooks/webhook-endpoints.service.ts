import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { ProviderAdapter, WebhookCapability } from '../../providers/provider-adapter';
import { ProviderRegistryService } from '../../providers/provider-registry.service';
import { WebhookJobData } from '../../queue/queue.constants';
import { WEBHOOK_QUEUE } from '../../queue/queue.module';
import { AuditService } from '../audit/audit.service';
import { Actor, IntegrationsService } from '../integrations/integrations.service';
import { WebhookCreateDto } from './dtos/webhook.dto';
import { enqueueDelivery } from './webhook-queue';
import { WebhookCrypto } from './webhook-crypto';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookReceiverService } from './webhook-receiver.service';
import { WebhookException, WebhookExceptionCode } from './webhook.exception';
import { WebhookSchemesService } from './webhook-schemes.service';

/** Default grace period of the previous secret after a rotation. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;

/** The adapter's webhook capability when the vendor registers endpoints through its API (and issues their secrets). */
function registration(adapter: ProviderAdapter): { descriptor: WebhookCapability['descriptor']; register: NonNullable<WebhookCapability['register']> } | null {
  const hooks = adapter.webhooks;
  const register = hooks?.register;
  if (!hooks || !register) return null;
  // Called on the capability object itself, so a capability written as a class keeps its `this`.
  return { descriptor: hooks.descriptor, register: (ctx, request) => register.call(hooks, ctx, request) };
}

function alreadyConfigured(): WebhookException {
  return new WebhookException(WebhookExceptionCode.ALREADY_CONFIGURED, 'This integration already has a webhook configuration; delete it first');
}

function invalid(field: string, message: string): WebhookException {
  return new WebhookException(WebhookExceptionCode.INVALID_CONFIG, message, [{ field, errors: [message] }]);
}

/**
 * Webhook configurations of an organization (one per integration) and their deliveries.
 * Every query is scoped by organization (another tenant's objects are 404). Secrets are
 * returned once, on create and rotate. Changes are audited (ids only).
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @Inject(WEBHOOK_QUEUE) private readonly queue: Queue<WebhookJobData>,
    private readonly dataSource: DataSource,
    private readonly integrations: IntegrationsService,
    private readonly registry: ProviderRegistryService,
    private readonly crypto: WebhookCrypto,
    private readonly audit: AuditService,
    private readonly httpHost: HttpAdapterHost,
    private readonly receiver: WebhookReceiverService,
    private readonly schemes: WebhookSchemesService,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  /** The URL a vendor posts this integration's deliveries to: `PUBLIC_BASE_URL`, else this process's listening port on 127.0.0.1. */
  receiverUrl(integrationId: string): string {
    let base = this.env.publicBaseUrl;
    if (!base) {
      const address = this.httpHost.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null | undefined;
      const port = address && typeof address === 'object' ? address.port : this.env.port;
      base = `http://127.0.0.1:${port}`;
    }
    return `${base}/api/v1/webhooks/${integrationId}`;
  }

  /**
   * Creates the integration's webhook configuration. The scheme defaults to the vendor's.
   * @throws 404 unknown integration; 400 vendor without webhooks, unknown event, bad secret; 409 already configured.
   */
  async create(dto: WebhookCreateDto, actor: Actor): Promise<{ endpoint: WebhookEndpoint; secret: string | null }> {
    const integration = await this.integrations.get(actor.organizationId, dto.integrationId);
    const adapter = this.registry.get(integration.vendor);
    if (!adapter.webhooks) {
      throw new WebhookException(WebhookExceptionCode.NOT_SUPPORTED, `Vendor ${integration.vendor} does not send webhooks`);
    }
    const hooks = adapter.webhooks.descriptor;
    const unknown = dto.events.filter((e) => !hooks.events.includes(e));
    if (unknown.length) throw invalid('events', `events must be among: ${hooks.events.join(', ')}`);
    const scheme = dto.signatureAlgorithm ?? hooks.defaultScheme;
    if (!hooks.schemes.includes(scheme) || !this.schemes.resolve(scheme)) throw invalid('signatureAlgorithm', `signatureAlgorithm must be one of: ${hooks.schemes.join(', ')}`);
    const registrar = registration(adapter);
    const registers = registrar !== null;
    if (registers && dto.secret !== undefined) throw invalid('secret', `secret is issued by ${integration.vendor} when the endpoint is registered there; omit it`);
    this.checkSecret(scheme, dto.secret);
    if (await this.endpoints.exists({ where: { integrationId: integration.id } })) throw alreadyConfigured();
    // A vendor that registers endpoints through its API issues the secret itself.
    let secret = dto.secret ?? this.schemes.generateSecret(scheme);
    let made: WebhookEndpoint['vendorRegistration'] = null;
    if (registrar) {
      if (!this.env.publicBaseUrl && this.env.nodeEnv === 'production') {
        throw new WebhookException(WebhookExceptionCode.NOT_SUPPORTED, `Set PUBLIC_BASE_URL to the address ${integration.vendor} can reach this service at before registering webhooks there`);
      }
      const { ctx } = await this.integrations.adapterFor(integration);
      const targetUrl = this.receiverUrl(integration.id);
      const registered = await registrar.register(ctx, { targetUrl, events: dto.events });
      secret = registered.secret;
      made = { vendorEndpointId: registered.vendorEndpointId, subscriptionIds: registered.subscriptionIds, targetUrl };
    }
    const id = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        const inserted = await manager.query(
          `INSERT INTO webhook_endpoints (id, organization_id, integration_id, events, signature_algorithm, signature_header, delivery_id_header, secret_ciphertext, vendor_registration)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (integration_id) DO NOTHING RETURNING id`,
          [id, actor.organizationId, integration.id, dto.events, scheme, dto.signatureHeader?.toLowerCase() ?? null, dto.deliveryIdHeader?.toLowerCase() ?? null,
            secret === null ? null : this.crypto.sealSecret(id, 'current', secret), made],
        );
        if (!inserted.length) throw alreadyConfigured();
        await this.audit.record({
          organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'webhook.created', targetType: 'webhook', targetId: id,
          requestId: actor.requestId,
          details: { integrationId: integration.id, signatureAlgorithm: scheme, events: dto.events, secretGenerated: dto.secret === undefined, registeredAtVendor: registers },
        }, manager);
      });
    } catch (error) {
      // Nothing half-written: what was registered at the vendor goes again (best effort).
      if (made) await this.unregister(integration.id, actor.organizationId, made).catch(() => undefined);
      throw error;
    }
    await this.receiver.forget(integration.id);
    return { endpoint: await this.get(actor.organizationId, id), secret };
  }

  /**
   * "Set up auto-sync": {@link create} for a vendor that registers webhook endpoints through its
   * API, subscribed to `events` or, by default, every event the vendor offers.
   * @throws 404 unknown integration; 400 vendor that cannot register endpoints; 409 already set up.
   */
  async enableAutoSync(integrationId: string, events: string[] | undefined, actor: Actor): Promise<WebhookEndpoint> {
    const integration = await this.integrations.get(actor.organizationId, integrationId);
    const adapter = this.registry.get(integration.vendor);
    const registrar = registration(adapter);
    if (!registrar) {
      throw new WebhookException(WebhookExceptionCode.NOT_SUPPORTED, `Vendor ${integration.vendor} cannot register webhook endpoints; configure them with POST /api/v1/sync/webhooks`);
    }
    return (await this.create({ integrationId, events: events ?? registrar.descriptor.events }, actor)).endpoint;
  }

  /** Removes auto-sync: the integration's configuration, at the vendor first. @throws 404 when there is none. */
  async disableAutoSync(integrationId: string, actor: Actor): Promise<void> {
    await this.remove((await this.forIntegration(actor.organizationId, integrationId)).id, actor);
  }

  /** The configuration of an integration. @throws 404 when it has none (or is another organization's). */
  async forIntegration(organizationId: string, integrationId: string): Promise<WebhookEndpoint> {
    const found = await this.endpoints.findOne({ where: { integrationId, organizationId } });
    if (!found) throw new WebhookException(WebhookExceptionCode.NOT_FOUND, 'This integration has no webhook configuration');
    return found;
  }

  private async unregister(integrationId: string, organizationId: string, registration: NonNullable<WebhookEndpoint['vendorRegistration']>): Promise<void> {
    const integration = await this.integrations.get(organizationId, integrationId);
    const { adapter, ctx } = await this.integrations.adapterFor(integration);
    if (!adapter.webhooks?.unregister) return;
    await adapter.webhooks.unregister(ctx, { vendorEndpointId: registration.vendorEndpointId, subscriptionIds: registration.subscriptionIds });
  }

  /** A caller-given secret must suit the scheme: refused when the scheme checks a credential, else in the scheme's format. */
  private checkSecret(scheme: string, secret: string | undefined): void {
    if (secret === undefined) return;
    const source = this.schemes.resolve(scheme)?.secret;
    if (source?.source === 'credential') throw invalid('secret', `secret is not used by ${scheme} (the integration's ${source.field} credential is checked)`);
    const problem = source?.check?.(secret);
    if (problem) throw invalid('secret', problem);
  }

  list(organizationId: string): Promise<WebhookEndpoint[]> {
    return this.endpoints.find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** @throws 404, also for another organization's configuration. */
  async get(organizationId: string, id: string): Promise<WebhookEndpoint> {
    const found = await this.endpoints.findOne({ where: { id, organizationId } });
    if (!found) throw new WebhookException(WebhookExceptionCode.NOT_FOUND, 'Webhook configuration not found');
    return found;
  }

  /**
   * Deletes the configuration and its deliveries (later deliveries are refused with 401); what was
   * registered at the vendor is removed there first. Audited.
   * @throws 404; ProviderException when the vendor refuses or is unreachable (nothing deleted: retry).
   */
  async remove(id: string, actor: Actor): Promise<void> {
    const endpoint = await this.get(actor.organizationId, id);
    if (endpoint.vendorRegistration) await this.unregister(endpoint.integrationId, actor.organizationId, endpoint.vendorRegistration);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(WebhookEndpoint).delete({ id, organizationId: actor.organizationId });
      await this.audit.record({
        organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'webhook.deleted', targetType: 'webhook', targetId: id,
        requestId: actor.requestId, details: { integrationId: endpoint.integrationId },
      }, manager);
    });
    await this.receiver.forget(endpoint.integrationId);
  }

  /**
   * Issues a new secret; the current one keeps verifying for `graceSeconds` (default 24 h).
   * @throws 404; 400 for a scheme whose key is one of the integration's credentials (rotated at the vendor).
   */
  async rotate(id: string, graceSeconds: number | undefined, actor: Actor): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.endpoints.createQueryBuilder('e').addSelect('e.secretCiphertext')
      .where('e.id = :id AND e.organizationId = :org', { id, org: actor.organizationId }).getOne();
    if (!endpoint) throw new WebhookException(WebhookExceptionCode.NOT_FOUND, 'Webhook configuration not found');
    if (endpoint.vendorRegistration) {
      throw new WebhookException(WebhookExceptionCode.NOT_SUPPORTED, 'The vendor issued this secret; delete the configuration and register it again for a new one');
    }
    const secret = this.schemes.generateSecret(endpoint.signatureAlgorithm);
    if (!secret || !endpoint.secretCiphertext) {
      throw new WebhookException(WebhookExceptionCode.NOT_SUPPORTED, "This scheme has no secret of ours to rotate (it checks one of the integration's credentials: rotate that at the vendor)");
    }
    const previous = this.crypto.openSecret(id, 'current', endpoint.secretCiphertext);
    const expires = new Date(Date.now() + (graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS) * 1000);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(WebhookEndpoint).update({ id }, {
        secretCiphertext: this.crypto.sealSecret(id, 'current', secret),
        previousSecretCiphertext: this.crypto.sealSecret(id, 'previous', previous),
        previousSecretExpiresAt: expires,
      } as QueryDeepPartialEntity<WebhookEndpoint>);
      await this.audit.record({
        organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'webhook.secret_rotated', targetType: 'webhook', targetId: id,
        requestId: actor.requestId, details: { integrationId: endpoint.integrationId, previousSecretExpiresAt: expires.toISOString() },
      }, manager);
    });
    await this.receiver.forget(endpoint.integrationId);
    return { endpoint: await this.get(actor.organizationId, id), secret };
  }

  /** Deliveries of a configuration, newest first, keyset-paged on (receivedAt, id). @throws 404; 400 bad cursor. */
  async listDeliveries(organizationId: string, endpointId: string, q: { status?: string; cursor?: string; limit?: number }): Promise<Page<WebhookDelivery>> {
    await this.get(organizationId, endpointId);
    const cursor = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const limit = q.limit ?? 50;
    const qb = this.deliveries.createQueryBuilder('d').where('d.endpointId = :endpointId AND d.organizationId = :organizationId', { endpointId, organizationId });
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    if (cursor) qb.andWhere('(d.receivedAt, d.id) < (:at, :id)', { at: new Date(cursor[0] as string), id: cursor[1] });
    const rows = await qb.orderBy('d.receivedAt', 'DESC').addOrderBy('d.id', 'DESC').take(limit + 1).getMany();
    return toPage(rows, limit, (d) => [d.receivedAt.toISOString(), d.id], (d) => d);
  }

  /**
   * Replays a failed (or already processed) delivery: back to pending and onto the queue. Audited.
   * @throws 404; 409 while it is pending or processing.
   */
  async retry(organizationId: string, deliveryRowId: string, actor: Actor): Promise<WebhookDelivery> {
    const updated = await this.deliveries.query(
      `UPDATE webhook_deliveries SET status = 'pending', error_code = NULL, error_message = NULL, updated_at = now()
        WHERE id = $1 AND organization_id = $2 AND status IN ('failed', 'succeeded') RETURNING id`,
      [deliveryRowId, organizationId],
    );
    const delivery = await this.deliveries.findOne({ where: { id: deliveryRowId, organizationId } });
    if (!delivery) throw new WebhookException(WebhookExceptionCode.DELIVERY_NOT_FOUND, 'Webhook delivery not found');
    if (!(updated[0] as unknown[]).length) throw new WebhookException(WebhookExceptionCode.NOT_RETRYABLE, `Delivery is ${delivery.status as WebhookDeliveryStatus}; only failed or succeeded deliveries can be replayed`);
    await enqueueDelivery(this.queue, deliveryRowId, `retry-${Date.now()}`);
    await this.audit.record({
      organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'webhook.delivery_retried', targetType: 'webhook_delivery', targetId: deliveryRowId,
      requestId: actor.requestId, details: { integrationId: delivery.integrationId },
    });
    return delivery;
  }
}
