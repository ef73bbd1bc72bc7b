import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { validateCronExpression } from 'cron';
import { FieldError } from '../../common/validation';
import { AdapterContext, ProviderAdapter } from '../../providers/provider-adapter';
import { ProviderRegistryService } from '../../providers/provider-registry.service';
import { ProviderException, ProviderExceptionCode } from '../../providers/provider.exception';
import { AuditService } from '../audit/audit.service';
import { outboundConfigProblems, validateConfig, validateCredentials } from './config-validator';
import { ClientKeysService } from './client-keys.service';
import { CredentialsService } from './credentials.service';
import { IntegrationCreateDto, IntegrationUpdateDto } from './dtos/integration.dto';
import { CountMismatch, Integration } from './integration.entity';
import { IntegrationException, IntegrationExceptionCode } from './integration.exception';
import { ExternalCredentialsProviderId } from './secrets/secrets-provider';

/** Who is acting, for the audit trail. */
export interface Actor {
  organizationId: string;
  actorId: string;
  requestId?: string;
}

/** A committed change of an integration that may concern its schedule (create, update, toggle, delete). */
export interface IntegrationChange {
  integrationId: string;
  kind: 'created' | 'updated' | 'deleted';
}

/** Called after the change is committed; must not throw (errors are logged and dropped). */
export type IntegrationChangeListener = (change: IntegrationChange) => Promise<void>;

/** Where an integration's credentials come from, as a create or update request gives it. */
type CredentialsInput =
  | { provider: 'local'; credentials: Record<string, string> }
  | { provider: ExternalCredentialsProviderId; secretId: string };

/** The columns that say where the credentials are. */
type CredentialColumns = Pick<Integration, 'credentialsProvider' | 'credentialsSecretId' | 'credentialsCiphertext' | 'credentialFields'>;

const CREDENTIAL_COLUMNS = new Set<string>(['credentialsProvider', 'credentialsSecretId', 'credentialsCiphertext', 'credentialFields']);

/**
 * Whether a failure (a thrown error or a `testConnection` result) says the vendor rejected the
 * credentials: the case where re-reading a rotated external secret can help.
 */
export function isAuthenticationFailure(failure: unknown): boolean {
  if (failure instanceof ProviderException) return failure.code === ProviderExceptionCode.AUTHENTICATION_FAILED;
  const result = failure as { ok?: unknown; details?: { code?: unknown } } | null;
  return result?.ok === false && result.details?.code === ProviderExceptionCode.AUTHENTICATION_FAILED;
}

function invalidCredentials(field: string, message: string): IntegrationException {
  const errors: FieldError[] = [{ field, errors: [message] }];
  return new IntegrationException(IntegrationExceptionCode.INVALID_CREDENTIALS, message, errors);
}

function checkSchedule(schedule: string | null | undefined): void {
  if (schedule && !validateCronExpression(schedule).valid) {
    const errors = [{ field: 'syncSchedule', errors: ['syncSchedule must be a valid cron expression, e.g. "*/15 * * * *"'] }];
    throw new IntegrationException(IntegrationExceptionCode.INVALID_CONFIG, errors[0].errors[0], errors);
  }
}

/**
 * Integrations of an organization. Every query is scoped by `organizationId`, so another
 * organization's integration is simply not found (404).
 */
@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger(IntegrationsService.name);
  // Listeners keep this module free of imports of its consumers (sync-jobs registers its scheduler here).
  private readonly listeners: IntegrationChangeListener[] = [];

  constructor(
    @InjectRepository(Integration) private readonly repo: Repository<Integration>,
    private readonly dataSource: DataSource,
    private readonly registry: ProviderRegistryService,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly clientKeys: ClientKeysService,
  ) {}

  private validateVendorInput(adapter: ProviderAdapter, config: Record<string, unknown>): void {
    const outbound = outboundConfigProblems(adapter.descriptor, config, this.env.outboundPolicy);
    validateConfig(adapter.descriptor, config, [...(adapter.validateConfig?.(config) ?? []), ...outbound]);
  }

  /**
   * Creates an integration; config is checked against the vendor's schema; credentials are
   * encrypted (`credentials`) or referenced (`credentialsSecret`: the secret need not exist yet). Audited.
   * A vendor with the `clientKeys` capability and a request without any credential get a key pair
   * the hub generates (ClientKeysService.prepare), its public half served as the integration's JWKS.
   */
  async create(request: IntegrationCreateDto, actor: Actor): Promise<Integration> {
    const adapterOf = this.registry.has(request.vendor) ? this.registry.get(request.vendor) : null;
    const generated = adapterOf ? this.clientKeys.prepare(adapterOf, request) : null;
    const dto = generated?.dto ?? request;
    if (!this.registry.has(dto.vendor)) {
      const errors = [{ field: 'vendor', errors: [`vendor must be one of: ${this.registry.descriptors().map((d) => d.id).join(', ')}`] }];
      throw new IntegrationException(IntegrationExceptionCode.INVALID_CONFIG, errors[0].errors[0], errors);
    }
    const adapter = this.registry.get(dto.vendor);
    this.validateVendorInput(adapter, dto.config);
    const input = this.credentialsInput(actor.organizationId, adapter, dto, true) as CredentialsInput;
    checkSchedule(dto.syncSchedule);
    const integration = this.repo.create({
      id: randomUUID(),
      organizationId: actor.organizationId,
      vendor: dto.vendor,
      name: dto.name,
      environment: dto.environment,
      enabled: dto.enabled ?? true,
      config: dto.config,
      syncSchedule: dto.syncSchedule ?? null,
      freshnessSlaMinutes: dto.freshnessSlaMinutes ?? null,
      reconcileIntervalHours: dto.reconcileIntervalHours ?? null,
    });
    Object.assign(integration, this.credentialColumns(integration, input));
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Integration).insert(integration as QueryDeepPartialEntity<Integration>);
      if (generated) await this.clientKeys.record(manager, integration, generated.key.publicJwk);
      await this.audit.record({
        organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'integration.created',
        targetType: 'integration', targetId: integration.id, requestId: actor.requestId,
        details: { vendor: dto.vendor, environment: dto.environment, credentialsProvider: input.provider, ...(generated ? { hubGeneratedKid: generated.key.publicJwk.kid } : {}) },
      }, manager);
    });
    await this.notify({ integrationId: integration.id, kind: 'created' });
    return this.get(actor.organizationId, integration.id);
  }

  list(organizationId: string): Promise<Integration[]> {
    return this.repo.find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** @throws IntegrationException NOT_FOUND (404), also for another organization's integration. */
  async get(organizationId: string, id: string): Promise<Integration> {
    const found = await this.repo.findOne({ where: { id, organizationId } });
    if (!found) throw new IntegrationException(IntegrationExceptionCode.NOT_FOUND, 'Integration not found');
    return found;
  }

  /**
   * Updates name, environment, enabled, config, credentials (either form; switching providers
   * is allowed) or schedule. Credential changes are audited as `integration.credentials_updated`
   * and drop this process's cached secret.
   */
  async update(id: string, dto: IntegrationUpdateDto, actor: Actor): Promise<Integration> {
    const integration = await this.get(actor.organizationId, id);
    const adapter = this.registry.get(integration.vendor);
    const patch: Partial<Integration> = {};
    if (dto.name !== undefined) patch.name = dto.name;
    if (dto.environment !== undefined) patch.environment = dto.environment;
    if (dto.enabled !== undefined) patch.enabled = dto.enabled;
    if (dto.config !== undefined) {
      this.validateVendorInput(adapter, dto.config);
      patch.config = dto.config;
    }
    if (dto.syncSchedule !== undefined) {
      checkSchedule(dto.syncSchedule);
      patch.syncSchedule = dto.syncSchedule;
    }
    if (dto.freshnessSlaMinutes !== undefined) patch.freshnessSlaMinutes = dto.freshnessSlaMinutes;
    if (dto.reconcileIntervalHours !== undefined) patch.reconcileIntervalHours = dto.reconcileIntervalHours;
    const input = this.credentialsInput(actor.organizationId, adapter, dto, false);
    if (input) Object.assign(patch, this.credentialColumns(integration, input));
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Integration).update({ id, organizationId: actor.organizationId }, patch as QueryDeepPartialEntity<Integration>);
      // A new SLA (or enabling again) shows in the stored status at once, not at the next health check.
      if (patch.freshnessSlaMinutes !== undefined || patch.enabled !== undefined) await this.refreshStalenessForSystem(id, manager);
      const changed = Object.keys(patch).filter((k) => !CREDENTIAL_COLUMNS.has(k));
      if (changed.length) {
        await this.audit.record({
          organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'integration.updated',
          targetType: 'integration', targetId: id, requestId: actor.requestId, details: { fields: changed },
        }, manager);
      }
      if (input) {
        const details = input.provider === 'local'
          ? { provider: input.provider, previousProvider: integration.credentialsProvider, fields: patch.credentialFields }
          : { provider: input.provider, previousProvider: integration.credentialsProvider, secretId: input.secretId };
        await this.audit.record({
          organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'integration.credentials_updated',
          targetType: 'integration', targetId: id, requestId: actor.requestId, details,
        }, manager);
      }
    });
    if (input) this.credentials.invalidate(integration);
    if (patch.enabled !== undefined || patch.syncSchedule !== undefined) await this.notify({ integrationId: id, kind: 'updated' });
    return this.get(actor.organizationId, id);
  }

  /** Deletes an integration and (by cascade) its records, jobs and sync state. @throws 409 while a sync is active. */
  async remove(id: string, actor: Actor): Promise<void> {
    await this.get(actor.organizationId, id);
    await this.dataSource.transaction(async (manager) => {
      const active = await manager.query(`SELECT 1 FROM sync_jobs WHERE integration_id = $1 AND status IN ('queued','running') LIMIT 1`, [id]);
      if (active.length) throw new IntegrationException(IntegrationExceptionCode.BUSY, 'Integration has an active sync job; cancel it first');
      await manager.getRepository(Integration).delete({ id, organizationId: actor.organizationId });
      await this.audit.record({
        organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'integration.deleted',
        targetType: 'integration', targetId: id, requestId: actor.requestId,
      }, manager);
    });
    await this.notify({ integrationId: id, kind: 'deleted' });
  }

  /** Registers a listener for committed integration changes (create, update of enabled/syncSchedule, delete). */
  onChange(listener: IntegrationChangeListener): void {
    this.listeners.push(listener);
  }

  private async notify(change: IntegrationChange): Promise<void> {
    for (const listener of this.listeners) {
      await listener(change).catch((error: Error) => this.logger.error({ ...change, errorClass: error?.name }, 'integration change listener failed'));
    }
  }

  /** One integration by id across organizations, for system work (schedulers); null when gone. Never reachable from a request. */
  findForSystem(id: string): Promise<Integration | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Enabled integrations of every organization, for system work (schedulers, health checks), least recently tested first. */
  listEnabledForSystem(): Promise<Integration[]> {
    // Least recently tested first, so a pass cut short by slow vendors still reaches everyone over time.
    return this.repo.createQueryBuilder('i').where('i.enabled = true')
      .orderBy('i.lastTestedAt', 'ASC', 'NULLS FIRST').addOrderBy('i.createdAt', 'ASC').getMany();
  }

  /**
   * Reads `credentials` / `credentialsSecret` of a request: exactly one on create, at most one on
   * update (null = unchanged). Errors name the field, never a value.
   * @throws IntegrationException INVALID_CREDENTIALS (400).
   */
  /**
   * A secret must sit in the organization's namespace, `<SECRETS_NAME_PREFIX><organizationId>/…`
   * (by name or inside an ARN): otherwise one tenant could point its integration at another
   * tenant's secret and send that password to a server of its choosing.
   */
  private checkSecretNamespace(organizationId: string, secretId: string): void {
    const name = secretId.startsWith('arn:') ? secretId.slice(secretId.indexOf(':secret:') + ':secret:'.length) : secretId;
    const prefix = `${this.env.secretsNamePrefix}${organizationId}/`;
    if (!name.startsWith(prefix)) {
      throw invalidCredentials('credentialsSecret.secretId', `credentialsSecret.secretId must name a secret under "${prefix}"`);
    }
  }

  private credentialsInput(
    organizationId: string, adapter: ProviderAdapter, dto: Pick<IntegrationUpdateDto, 'credentials' | 'credentialsSecret'>, required: boolean,
  ): CredentialsInput | null {
    const local = dto.credentials ?? undefined;
    const secret = dto.credentialsSecret ?? undefined;
    if (local !== undefined && secret !== undefined) {
      throw invalidCredentials('credentialsSecret', 'Send either credentials (stored encrypted here) or credentialsSecret (a secrets manager reference), not both');
    }
    if (secret !== undefined) {
      this.checkSecretNamespace(organizationId, secret.secretId);
      return { provider: secret.provider, secretId: secret.secretId };
    }
    if (local !== undefined) return { provider: 'local', credentials: validateCredentials(adapter.descriptor, local) };
    if (required) throw invalidCredentials('credentials', 'credentials or credentialsSecret is required');
    return null;
  }

  /** The credential columns for an input: a `local` row holds ciphertext only, an external one the secret reference only. */
  private credentialColumns(integration: Pick<Integration, 'id' | 'organizationId'>, input: CredentialsInput): CredentialColumns {
    if (input.provider === 'local') {
      return {
        credentialsProvider: 'local', credentialsSecretId: null,
        credentialsCiphertext: this.credentials.seal(integration, input.credentials), credentialFields: Object.keys(input.credentials).sort(),
      };
    }
    return { credentialsProvider: input.provider, credentialsSecretId: input.secretId, credentialsCiphertext: null, credentialFields: [] };
  }

  /** The adapter and the context (decrypted credentials) for calls to the vendor. */
  async adapterFor(integration: Integration, signal?: AbortSignal): Promise<{ adapter: ProviderAdapter; ctx: AdapterContext }> {
    const adapter = this.registry.get(integration.vendor);
    const credentials = await this.credentials.load(integration);
    return {
      adapter,
      ctx: {
        organizationId: integration.organizationId, integrationId: integration.id, environment: integration.environment,
        config: integration.config, credentials, signal,
      },
    };
  }

  /**
   * Drops the integration's cached credentials. Returns true when they come from an external
   * secrets manager, so loading them again may give other (rotated) values; false for `local`.
   */
  invalidateCredentials(integration: Pick<Integration, 'id' | 'credentialsProvider'>): boolean {
    return this.credentials.invalidate(integration);
  }

  /**
   * For callers of {@link adapterFor} that got `failure`: when it is an authentication failure
   * and the credentials come from an external secrets manager, drops the cached secret and
   * returns a fresh adapter and context (the secret re-read); otherwise null (rethrow / report).
   * Call it at most once per operation, so a wrong secret fails after one re-read.
   */
  async refreshAfterAuthFailure(
    integration: Integration, failure: unknown, signal?: AbortSignal,
  ): Promise<{ adapter: ProviderAdapter; ctx: AdapterContext } | null> {
    if (!isAuthenticationFailure(failure) || !this.invalidateCredentials(integration)) return null;
    return this.adapterFor(integration, signal);
  }

  /**
   * Records the outcome of a connection test or sync on the integration's health fields.
   * `stale`: the connection works but the data is older than the freshness SLA (healthStatus `stale`, `message` kept).
   * A working connection leaves a count disagreement standing: `degraded` with its message until a full sync agrees.
   */
  async setHealth(id: string, ok: boolean, message: string | null, tested: boolean, stale = false): Promise<void> {
    const status = !ok ? 'unhealthy' : stale ? 'stale' : null;
    await this.repo.manager.query(`
      UPDATE integrations
         SET health_status = COALESCE($2, CASE WHEN count_mismatch IS NOT NULL THEN 'degraded' ELSE 'healthy' END),
             last_error = CASE WHEN $2 IS NOT NULL THEN $3 ELSE count_mismatch->>'message' END,
             last_tested_at = CASE WHEN $4 THEN now() ELSE last_tested_at END,
             updated_at = now()
       WHERE id = $1`, [id, status, message?.slice(0, 500) ?? null, tested]);
  }

  /**
   * Records a successful (or partly successful) sync finished at `at`: `last_synced_at`, and `note`
   * as the last error (null for a clean sync; a partial one names what it could not read).
   * `counts`: the outcome of a full sync's count reconciliation: a mismatch makes the health
   * `degraded` (its message leads `lastError`), null (every counted resource agrees) clears an
   * earlier one; undefined (an incremental, or nothing counted) leaves the earlier verdict as it is.
   */
  async markSynced(id: string, at: Date, note: string | null = null, counts?: CountMismatch | null): Promise<void> {
    const mismatch = counts === undefined ? (await this.repo.findOne({ where: { id } }))?.countMismatch ?? null : counts;
    const lastError = [mismatch?.message, note].filter(Boolean).join('; ').slice(0, 500) || null;
    await this.repo.update({ id }, {
      lastSyncedAt: at, healthStatus: mismatch ? 'degraded' : 'healthy', lastError, ...(counts === undefined ? {} : { countMismatch: counts }),
    } as QueryDeepPartialEntity<Integration>);
  }

  /**
   * Stores `stale` / back to `healthy` from the freshness SLA alone, in one UPDATE (no vendor
   * call), across organizations for system work or for the one integration `id`. `unhealthy` (a
   * failed test) is left alone; a `stale` integration whose SLA was removed is `healthy` again, or
   * `degraded` while a count disagreement stands.
   * Returns how many integrations changed.
   */
  async refreshStalenessForSystem(id?: string, manager?: EntityManager): Promise<number> {
    const changed: unknown[] = await (manager ?? this.repo.manager).query(`
      WITH s AS (
        SELECT id, CASE WHEN freshness_sla_minutes IS NOT NULL
                         AND COALESCE(last_synced_at, created_at) < now() - make_interval(mins => freshness_sla_minutes)
                        THEN 'stale' WHEN count_mismatch IS NOT NULL THEN 'degraded' ELSE 'healthy' END AS status
          FROM integrations
         WHERE enabled AND health_status IN ('healthy', 'stale', 'degraded') AND ($1::uuid IS NULL OR id = $1::uuid))
      UPDATE integrations i
         SET health_status = s.status,
             last_error = CASE WHEN s.status = 'stale'
               THEN 'No successful sync within the freshness SLA of ' || i.freshness_sla_minutes || ' minutes'
               ELSE i.count_mismatch->>'message' END
        FROM s WHERE i.id = s.id AND i.health_status <> s.status
      RETURNING i.id`, [id ?? null]);
    return changed.length;
  }
}
