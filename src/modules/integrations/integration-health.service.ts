import { Injectable, Logger } from '@nestjs/common';
import { ResourceReadability, ResourceType } from '../../providers/provider-adapter';
import { ProviderException } from '../../providers/provider.exception';
import { AuditService } from '../audit/audit.service';
import { Integration } from './integration.entity';
import { IntegrationException, IntegrationExceptionCode } from './integration.exception';
import { Actor, IntegrationsService, isAuthenticationFailure } from './integrations.service';

/**
 * Result of `POST /integrations/:id/test`: `latencyMs` in milliseconds, `message` safe to show,
 * `resources` the readability of each resource when the connection works and the adapter can probe.
 */
export interface TestResult {
  ok: boolean;
  latencyMs: number;
  message: string;
  resources?: Partial<Record<ResourceType, ResourceReadability>>;
}

/**
 * Whether an enabled integration's data is older than its freshness SLA at `now`: its last successful
 * sync (or its creation, never synced) lies more than `freshnessSlaMinutes` back. No SLA = never stale.
 */
export function isStale(i: Pick<Integration, 'enabled' | 'freshnessSlaMinutes' | 'lastSyncedAt' | 'createdAt'>, now = new Date()): boolean {
  if (!i.enabled || i.freshnessSlaMinutes == null) return false;
  const since = i.lastSyncedAt ?? i.createdAt;
  return now.getTime() - since.getTime() > i.freshnessSlaMinutes * 60_000;
}

function staleMessage(i: Pick<Integration, 'freshnessSlaMinutes'>): string {
  return `No successful sync within the freshness SLA of ${i.freshnessSlaMinutes} minutes`;
}

/** Connection tests run at once by the scheduled health check. */
const HEALTH_CHECK_PARALLELISM = 8;
/** How often a running health-check pass re-stores the SLA-based status (ms). */
const STALENESS_REFRESH_MS = 1000;

/** Connection tests, health status and the database list of the setup form. */
@Injectable()
export class IntegrationHealthService {
  private readonly logger = new Logger(IntegrationHealthService.name);

  constructor(
    private readonly integrations: IntegrationsService,
    private readonly audit: AuditService,
  ) {}

  /** Tests the vendor connection; sets `healthStatus`, `lastTestedAt`, `lastError`. Audited as `integration.tested`. */
  async test(id: string, actor: Actor): Promise<TestResult> {
    const integration = await this.integrations.get(actor.organizationId, id);
    const result: TestResult = await this.run(integration);
    if (result.ok) result.resources = await this.probe(integration);
    const unreadable = Object.entries(result.resources ?? {}).filter(([, r]) => r.readable === false).map(([resource]) => resource);
    await this.audit.record({
      organizationId: actor.organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'integration.tested',
      targetType: 'integration', targetId: id, requestId: actor.requestId, outcome: result.ok ? 'success' : 'failure',
      details: { latencyMs: result.latencyMs, ...(result.resources ? { unreadableResources: unreadable } : {}) },
    });
    return result;
  }

  /**
   * Readability of each resource (the adapter's optional `probeResources`), or undefined when the
   * vendor cannot probe. A vendor failure during the probe marks every resource `readable: null`
   * with its safe message: the connection test itself already passed.
   */
  private async probe(integration: Integration): Promise<TestResult['resources']> {
    const { adapter, ctx } = await this.integrations.adapterFor(integration);
    if (!adapter.probeResources) return undefined;
    try {
      return await adapter.probeResources(ctx);
    } catch (error) {
      if (!(error instanceof ProviderException)) throw error;
      const reason = `Probe failed: ${error.message}`;
      return Object.fromEntries(adapter.descriptor.capabilities.resources.map((r) => [r, { readable: null, reason }]));
    }
  }

  /**
   * One connection test. When the vendor rejects credentials that come from an external secrets
   * manager, the cached secret is dropped and the test runs once more with a fresh read, so a
   * rotated secret is picked up at once.
   */
  private async run(integration: Integration): Promise<TestResult> {
    const started = process.hrtime.bigint();
    let attempt = await this.attempt(integration);
    if (!attempt.ok && isAuthenticationFailure(attempt.failure) && this.integrations.invalidateCredentials(integration)) {
      attempt = await this.attempt(integration);
    }
    const { ok, message } = attempt;
    const latencyMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
    // Judge freshness on the row as it is now: a test can take seconds, and a sync may finish (or
    // the SLA change) meanwhile; the copy loaded before the test would write a stale verdict.
    const current = (await this.integrations.findForSystem(integration.id)) ?? integration;
    const stale = ok && isStale(current);
    await this.integrations.setHealth(integration.id, ok, ok ? (stale ? staleMessage(current) : null) : message, true, stale);
    return { ok, latencyMs, message };
  }

  /** Loads credentials and tests; expected failures become `ok: false` with the failure kept for the retry decision. */
  private async attempt(integration: Integration): Promise<{ ok: boolean; message: string; failure?: unknown }> {
    try {
      const { adapter, ctx } = await this.integrations.adapterFor(integration);
      const outcome = await adapter.testConnection(ctx);
      return { ok: outcome.ok, message: outcome.message, failure: outcome.ok ? undefined : outcome };
    } catch (error) {
      if (!(error instanceof ProviderException) && !(error instanceof IntegrationException)) throw error;
      return { ok: false, message: error.message, failure: error };
    }
  }

  /**
   * Health of every integration of the organization. Staleness is judged now, not only at the last
   * check: a connection that tested fine but whose data is past its SLA reports `stale`
   * (`unhealthy` wins over `stale`).
   */
  async status(organizationId: string): Promise<Integration[]> {
    const now = new Date();
    return (await this.integrations.list(organizationId)).map((i) => (
      i.healthStatus !== 'unhealthy' && isStale(i, now) ? Object.assign(i, { healthStatus: 'stale' as const, lastError: i.lastError ?? staleMessage(i) }) : i
    ));
  }

  /**
   * Stores `stale` / back to `healthy` from the freshness SLA alone, in one UPDATE (no vendor
   * call), so the stored status follows the SLA even while a slow connection-test pass runs.
   * `unhealthy` (a failed test) is left alone. Returns how many integrations changed.
   */
  refreshStaleness(): Promise<number> {
    return this.integrations.refreshStalenessForSystem();
  }

  /**
   * The scheduled health check: tests every enabled integration of every organization, a few at a
   * time; one integration's unexpected error is logged and does not stop the others.
   * @returns how many were tested and how many failed unexpectedly.
   */
  async checkAllForSystem(): Promise<{ tested: number; errors: number }> {
    let tested = 0;
    let errors = 0;
    const queue = await this.integrations.listEnabledForSystem();
    // A pass over slow or unreachable vendors can last minutes, and all its slots can wait on
    // them at once: keep the stored SLA status current on a timer of its own meanwhile.
    const refresh = setInterval(() => {
      this.refreshStaleness().catch((error) => this.logger.warn({ errorClass: (error as Error)?.name }, 'staleness refresh failed'));
    }, STALENESS_REFRESH_MS);
    // A few tests at a time: one slow or unreachable vendor must not hold up the whole pass.
    const workers = Array.from({ length: Math.min(HEALTH_CHECK_PARALLELISM, queue.length) }, async () => {
      for (let integration = queue.shift(); integration; integration = queue.shift()) {
        try {
          await this.run(integration);
          tested += 1;
        } catch (error) {
          errors += 1;
          this.logger.warn({ integrationId: integration.id, errorClass: (error as Error)?.name }, 'scheduled health check failed');
        }
      }
    });
    try {
      await Promise.all(workers);
    } finally {
      clearInterval(refresh);
    }
    return { tested, errors };
  }

  /** Tests every enabled integration of the organization, one after another, and returns the refreshed list. */
  async checkAll(actor: Actor): Promise<Integration[]> {
    for (const integration of await this.integrations.list(actor.organizationId)) {
      if (integration.enabled) await this.run(integration);
    }
    return this.status(actor.organizationId);
  }

  /**
   * Lists databases on the integration's server (the "select database" step).
   * @throws IntegrationException CAPABILITY_MISSING when the vendor cannot; ProviderException when the server refuses.
   */
  async databases(id: string, organizationId: string): Promise<string[]> {
    const integration = await this.integrations.get(organizationId, id);
    const { adapter, ctx } = await this.integrations.adapterFor(integration);
    if (!adapter.listDatabases) {
      throw new IntegrationException(IntegrationExceptionCode.CAPABILITY_MISSING, `Vendor ${integration.vendor} cannot list databases`);
    }
    try {
      return await adapter.listDatabases.list(ctx);
    } catch (error) {
      const fresh = await this.integrations.refreshAfterAuthFailure(integration, error);
      if (!fresh?.adapter.listDatabases) throw error;
      return fresh.adapter.listDatabases.list(fresh.ctx);
    }
  }
}
