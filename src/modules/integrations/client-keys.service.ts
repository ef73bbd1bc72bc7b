import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import type { GeneratedClientKey, ProviderAdapter, PublicJwk } from '../../providers/provider-adapter';
import { ProviderRegistryService } from '../../providers/provider-registry.service';
import { AuditService } from '../audit/audit.service';
import { CredentialsService } from './credentials.service';
import { Integration } from './integration.entity';
import { IntegrationException, IntegrationExceptionCode } from './integration.exception';
import type { Actor } from './integrations.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a rotation did: the key now in use and the previous ones with the instant they leave the JWKS. */
export interface KeyRotation {
  kid: string;
  retiring: Array<{ kid: string; retireAt: Date }>;
}

/**
 * Client keys the hub generates for adapters with the `clientKeys` capability (SMART Backend
 * Services with a JWKS URL): the private half is a credential like any other (encrypted with the
 * integration's credentials), the public half a row of `integration_client_keys` (owned here),
 * published by {@link jwks}. Vendor-neutral: the adapter says which fields hold the key and its id.
 */
@Injectable()
export class ClientKeysService {
  constructor(
    @InjectRepository(Integration) private readonly repo: Repository<Integration>,
    private readonly dataSource: DataSource,
    private readonly registry: ProviderRegistryService,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
    @Inject(APP_ENV) private readonly env: Pick<AppEnv, 'clientKeyGraceSeconds'>,
  ) {}

  /**
   * For a create request: when the adapter can use a hub key and the request brings no credential
   * at all (neither `credentials` values nor `credentialsSecret`), generates the pair and returns the
   * request with the private key in `credentials` and its `kid` in `config`; else null.
   */
  prepare<T extends { config: Record<string, unknown>; credentials?: Record<string, unknown> | null; credentialsSecret?: unknown }>(
    adapter: ProviderAdapter, dto: T,
  ): { dto: T; key: GeneratedClientKey } | null {
    const keys = adapter.clientKeys;
    if (!keys || dto.credentialsSecret || Object.keys(dto.credentials ?? {}).length > 0) return null;
    const key = keys.generate(dto.config);
    return { key, dto: { ...dto, config: { ...dto.config, [keys.keyIdField]: key.publicJwk.kid }, credentials: { [keys.credentialField]: key.privateKeyPem } } };
  }

  /** Stores the public half of a generated key (inside the creating transaction). */
  async record(manager: EntityManager, integration: Pick<Integration, 'id' | 'organizationId'>, jwk: PublicJwk): Promise<void> {
    await manager.query('INSERT INTO integration_client_keys (organization_id, integration_id, kid, public_jwk) VALUES ($1, $2, $3, $4)',
      [integration.organizationId, integration.id, jwk.kid, JSON.stringify(jwk)]);
  }

  /**
   * The JWK Set of an integration (RFC 7517 §5): the key in use and those still in their grace
   * period, public members only. Needs no organization: it holds nothing secret and an EHR fetches it.
   * @throws IntegrationException NOT_FOUND for an unknown id or an integration without a hub-generated key.
   */
  async jwks(integrationId: string): Promise<{ keys: PublicJwk[] }> {
    if (!UUID.test(integrationId)) throw new IntegrationException(IntegrationExceptionCode.NOT_FOUND, 'Integration not found');
    const rows = await this.dataSource.query<Array<{ public_jwk: PublicJwk }>>(
      'SELECT public_jwk FROM integration_client_keys WHERE integration_id = $1 AND (retire_at IS NULL OR retire_at > now()) ORDER BY created_at DESC, kid',
      [integrationId]);
    if (!rows.length) throw new IntegrationException(IntegrationExceptionCode.NOT_FOUND, 'Integration not found or has no hub-generated key');
    return { keys: rows.map((r) => r.public_jwk) };
  }

  /**
   * Rotates a hub-generated key: a new pair becomes the key in use (credentials and `kid` in
   * config replaced in one transaction, audited as `integration.key_rotated`); the previous keys
   * stay in the JWKS for CLIENT_KEY_GRACE_SECONDS.
   * @throws IntegrationException NOT_FOUND (another organization's integration too),
   *   CAPABILITY_MISSING when the vendor or the integration has no hub-generated key.
   */
  async rotate(actor: Actor, integrationId: string): Promise<KeyRotation> {
    const { organizationId } = actor;
    const integration = await this.repo.findOne({ where: { id: integrationId, organizationId } });
    if (!integration) throw new IntegrationException(IntegrationExceptionCode.NOT_FOUND, 'Integration not found');
    const keys = this.registry.get(integration.vendor).clientKeys;
    const active = await this.dataSource.query<Array<{ kid: string }>>('SELECT kid FROM integration_client_keys WHERE integration_id = $1 AND retire_at IS NULL', [integrationId]);
    if (!keys || !active.length || integration.credentialsProvider !== 'local') {
      throw new IntegrationException(IntegrationExceptionCode.CAPABILITY_MISSING, 'This integration has no hub-generated client key to rotate');
    }
    const current = await this.credentials.load(integration);
    const key = keys.generate(integration.config);
    const retireAt = new Date(Date.now() + this.env.clientKeyGraceSeconds * 1000);
    const credentials = { ...current, [keys.credentialField]: key.privateKeyPem };
    await this.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE integration_client_keys SET retire_at = $2 WHERE integration_id = $1 AND retire_at IS NULL', [integrationId, retireAt]);
      await this.record(manager, integration, key.publicJwk);
      await manager.getRepository(Integration).update({ id: integrationId, organizationId }, {
        config: { ...integration.config, [keys.keyIdField]: key.publicJwk.kid },
        credentialsCiphertext: this.credentials.seal(integration, credentials), credentialFields: Object.keys(credentials).sort(),
      } as QueryDeepPartialEntity<Integration>);
      await this.audit.record({
        organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'integration.key_rotated', targetType: 'integration', targetId: integrationId,
        requestId: actor.requestId, details: { kid: key.publicJwk.kid, retiring: active.map((a) => a.kid), retireAt: retireAt.toISOString() },
      }, manager);
    });
    this.credentials.invalidate(integration);
    return { kid: key.publicJwk.kid, retiring: active.map((a) => ({ kid: a.kid, retireAt })) };
  }
}
