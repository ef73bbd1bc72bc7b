import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { Repository } from 'typeorm';
import { APP_ENV } from '../../config/config.module';
import { AppEnv } from '../../config/env';
import { prefetch } from '../../common/prefetch';
import { PG_POOL } from '../../database/database.module';
import { withTransaction } from '../../database/transaction';
import { ProviderAdapter, RESOURCE_ORDER, ReadBatch, ResourceType } from '../../providers/provider-adapter';
import { isResourceUnavailable, ProviderException, ProviderExceptionCode, resourceFailureCode } from '../../providers/provider.exception';
import { AuditService } from '../audit/audit.service';
import { Integration } from '../integrations/integration.entity';
import { IntegrationsService } from '../integrations/integrations.service';
import { PreparedRecord, RecordWriter } from '../records/record-writer';
import { MetricsService } from '../operations/metrics.service';
import { ConflictResolutionProcessor } from '../conflicts/conflict-resolution.processor';
import { LocalEditPush } from '../conflicts/local-edit-push';
import { RecordTransformer } from '../transformations/record-transformer';
import { loadRecordTransformer } from '../transformations/rule-loader';
import { countAtSource, reconcileCounts } from './count-reconciliation';
import { emptyProgress, ResourceProgress, SyncJob, TERMINAL_STATUSES } from './sync-job.entity';
import { insertIssues, loadState, saveState, SyncState } from './sync-state.repository';
import { PassKind, PassSightings, reconciliationDue, tombstoneUnseen } from './delete-reconciliation';
import { storedExternalIds } from './stored-ids';

/** Why a run stopped early. */
export type StopReason = 'shutdown' | null;

/** How the worker steers a run: `stopReason()` is polled between batches. */
export interface RunControl {
  stopReason(): StopReason;
}

/** `done`: the job reached a final status; `interrupted`: stopped for shutdown after a committed batch, to be resumed. */
export type RunOutcome = 'done' | 'interrupted';

/**
 * Runs one sync job: for each resource (in dependency order) it reads batches from the
 * vendor adapter from the saved checkpoint and writes each batch, its per-record issues,
 * the new checkpoint and the job's progress in ONE transaction. Safe to run twice (BullMQ is
 * at-least-once): a rerun continues from the last committed batch, and upserts are idempotent.
 */
/**
 * During a bulk load the planner's statistics on `records` lag far behind (autovacuum looks once a
 * minute): it then believes a new integration holds a dozen rows and answers every per-batch
 * lookup by external id by reading all of the integration's rows (0.9–1.2 s per batch at 200k,
 * so a sync grew with the square of its size). So a run ANALYZEs the two columns that decide
 * those plans after this many added rows, then each time the added rows double (about 0.1 s
 * each with their statistics target of 20, migration RecordsStatisticsTarget; 5 times for 200k patients).
 */
const ANALYZE_FIRST_AT_ROWS = 10_000;

/**
 * A job that added or deleted at least this many rows ends with a whole-table `ANALYZE records`:
 * lists right after a large load otherwise ran on statistics from early in the load (948 rows
 * estimated where there were 190,102; p95 295 ms for a 100-row page, 5 ms after ANALYZE).
 * About 0.2-0.5 s for 200k patients, once per such job; small incrementals skip it and leave the
 * table to autovacuum.
 */
const ANALYZE_AT_END_MIN_ROWS = 1_000;

@Injectable()
export class SyncRunnerService {
  private readonly logger = new Logger(SyncRunnerService.name);

  constructor(
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly integrations: IntegrationsService,
    private readonly audit: AuditService,
    private readonly writer: RecordWriter,
    private readonly metrics: MetricsService,
    private readonly conflicts: ConflictResolutionProcessor,
    private readonly outbound: LocalEditPush,
  ) {}

  /** @throws ProviderException or database errors; the worker decides between retry and failure. */
  async run(syncJobId: string, control: RunControl): Promise<RunOutcome> {
    const job = await this.jobs.findOne({ where: { id: syncJobId } });
    if (!job || TERMINAL_STATUSES.includes(job.status)) return 'done';
    if (job.cancelRequestedAt) return this.finish(job, 'cancelled');
    await this.jobs.update({ id: job.id }, { status: 'running', startedAt: job.startedAt ?? new Date(), attempts: job.attempts + 1 });
    const integration = await this.integrations.get(job.organizationId, job.integrationId);
    let { adapter, ctx } = await this.integrations.adapterFor(integration);
    const pool = this.pool;
    const storedIds = { storedExternalIds: (r: ResourceType, after: string | null) => storedExternalIds(pool, integration.id, r, after) };
    ctx = { ...ctx, ...storedIds };
    let refreshed = false; // an external secret is re-read at most once per run (rotated keys)
    // The integration's transformation rules and field mappings, loaded once per run (docs/transformations.md).
    const transformer = await loadRecordTransformer(this.pool, integration.id);
    // An outbound job reads nothing: it only pushes local edits (after the loop).
    const resources = job.direction === 'outbound' ? [] : RESOURCE_ORDER.filter((r) => job.resources.includes(r));
    for (const resource of resources) {
      const progress = (job.progress[resource] ??= emptyProgress());
      if (progress.done) continue; // finished by an earlier attempt of this job
      const stop = await this.syncResource(job, integration, adapter, ctx, resource, progress, control, transformer).catch(async (error: unknown) => {
        const fresh = refreshed ? null : await this.integrations.refreshAfterAuthFailure(integration, error);
        if (!fresh) throw error;
        refreshed = true;
        ({ adapter, ctx } = fresh);
        ctx = { ...ctx, ...storedIds };
        // Safe to repeat: a failed batch rolled back, and syncResource reloads the last committed checkpoint.
        return this.syncResource(job, integration, adapter, ctx, resource, progress, control, transformer);
      }).catch(async (error: unknown) => {
        // A table or endpoint the source lacks (or does not grant) fails this resource alone; anything else fails or retries the job.
        if (!isResourceUnavailable(error)) throw error;
        await this.failResource(job, resource, progress, error);
        return null;
      });
      if (stop === 'cancelled') return this.finish(job, 'cancelled');
      if (stop === 'shutdown') {
        await this.jobs.update({ id: job.id }, { status: 'queued' });
        return 'interrupted';
      }
    }
    const unreadable = resources.filter((r) => job.progress[r].outcome === 'failed');
    if (resources.length > 0 && unreadable.length === resources.length) {
      // Nothing was read: the job fails with the provider code, as any permanent vendor error fails it.
      const first = job.progress[unreadable[0]];
      const code = first.errorCode === 'resource_forbidden' ? ProviderExceptionCode.RESOURCE_FORBIDDEN : ProviderExceptionCode.RESOURCE_NOT_FOUND;
      return this.finish(job, 'failed', { code, message: `No resource could be read (${unreadable.join(', ')}): ${first.errorMessage ?? ''}` });
    }
    await this.refreshStatistics(job, resources);
    if (job.direction !== 'inbound' && !job.outbound?.done) {
      job.outbound = await this.outbound.push(job.organizationId, job.integrationId);
      await this.jobs.update({ id: job.id }, { outbound: job.outbound });
    }
    const partial = unreadable.length > 0 || resources.some((r) => job.progress[r].failed > 0) || (job.outbound?.refused ?? 0) > 0;
    return this.finish(job, partial ? 'partially_succeeded' : 'succeeded');
  }

  /** Ends a job that grew or shrank `records` by ANALYZE_AT_END_MIN_ROWS or more with fresh planner statistics; a failed ANALYZE never fails the sync. */
  private async refreshStatistics(job: SyncJob, resources: ResourceType[]): Promise<void> {
    const changed = resources.reduce((n, r) => n + job.progress[r].added + job.progress[r].deleted, 0);
    if (changed < ANALYZE_AT_END_MIN_ROWS) return;
    await this.pool.query('ANALYZE records').catch((error: Error) => this.logger.warn(`ANALYZE records after sync job ${job.id} failed: ${error.message}`));
  }

  /**
   * Marks one resource done and failed with the stable code and PHI-free message of `error`
   * (batches it committed before the failure stay), and saves the progress with the audit event
   * `sync_job.resource_failed` in one transaction. The job goes on with the next resource.
   */
  private async failResource(job: SyncJob, resource: ResourceType, progress: ResourceProgress, error: ProviderException): Promise<void> {
    Object.assign(progress, { done: true, outcome: 'failed', errorCode: resourceFailureCode(error), errorMessage: error.message.slice(0, 500) });
    await this.jobs.manager.transaction(async (manager) => {
      await manager.query('UPDATE sync_jobs SET progress = $2, updated_at = now() WHERE id = $1', [job.id, JSON.stringify(job.progress)]);
      await this.audit.record({
        organizationId: job.organizationId, actorType: 'system', action: 'sync_job.resource_failed', targetType: 'sync_job', targetId: job.id,
        outcome: 'failure', details: { integrationId: job.integrationId, resource, errorCode: progress.errorCode },
      }, manager);
    });
  }

  /**
   * Where a resource's read starts: a full job (or a resource read whole) starts a new full pass
   * unless one is unfinished (crash, retry or `limit`: that one continues); an incremental job
   * continues from the checkpoint, or makes the periodic full pass when it is due (deletes by
   * reconciliation, docs/sync-jobs.md).
   */
  private startState(job: SyncJob, integration: Integration, adapter: ProviderAdapter, resource: ResourceType, saved: SyncState): SyncState & { pass: PassKind } {
    const capabilities = adapter.descriptor.capabilities;
    const incremental = capabilities.incremental.includes(resource);
    if (!incremental || (job.mode === 'full' && !saved.inFullPass)) return { checkpoint: null, inFullPass: true, pass: 'full' };
    if (saved.checkpoint === null) return { checkpoint: null, inFullPass: true, pass: 'full' };
    if (saved.inFullPass) return { checkpoint: saved.checkpoint, inFullPass: true, pass: 'full' };
    if (job.mode === 'incremental' && reconciliationDue(capabilities, resource, saved.lastFullPassAt, integration.reconcileIntervalHours)) {
      return { checkpoint: null, inFullPass: true, pass: 'reconciliation' };
    }
    return { checkpoint: saved.checkpoint, inFullPass: false, pass: 'incremental' };
  }

  private async syncResource(
    job: SyncJob, integration: Integration, adapter: ProviderAdapter, ctx: Parameters<ProviderAdapter['read']>[0],
    resource: ResourceType, progress: ResourceProgress, control: RunControl, transformer: RecordTransformer,
  ): Promise<'cancelled' | 'shutdown' | null> {
    const saved = await loadState(this.pool, integration.id, resource);
    const state = this.startState(job, integration, adapter, resource, saved);
    progress.pass = state.pass;
    // A pass that starts here from no checkpoint sees every live id of a reconciled resource; one resumed mid-pass cannot tell.
    const sightings = state.checkpoint === null && adapter.descriptor.capabilities.reconcileDeletes?.includes(resource) ? new PassSightings() : null;
    const remaining = job.recordLimit === null ? undefined : job.recordLimit - progress.fetched;
    // Count reconciliation compares full passes only: an incremental reads what changed, not what is there.
    const sourceCount = job.mode === 'full' ? await countAtSource(adapter, ctx, resource, this.logger) : null;
    if (remaining === undefined || remaining > 0) {
      // A pass that starts over still sees the last checkpoint (adapters that tombstone by reconciliation keep their known ids in it).
      const priorCheckpoint = state.checkpoint === null ? saved.checkpoint : undefined;
      const batches = adapter.read(ctx, { resource, checkpoint: state.checkpoint, priorCheckpoint, batchSize: this.env.syncBatchSize, limit: remaining });
      // Transformation rules run after the vendor mapper (a no-op without rules for the resource);
      // prepare() serialises and hashes the next batch while Postgres writes the current one.
      const prepared = (async function* (writer: RecordWriter) {
        for await (const batch of batches) {
          const out = await transformer.transform(resource, batch.records);
          yield { batch: out.failed.length ? { ...batch, failed: [...batch.failed, ...out.failed] } : batch, records: writer.prepare(out.records) };
        }
      })(this.writer);
      let analyzeAt = progress.added + ANALYZE_FIRST_AT_ROWS;
      for await (const { batch, records } of prefetch(prepared)) {
        state.checkpoint = batch.checkpoint;
        sightings?.add({ records: records.map((r) => r.record), skipped: batch.skipped, failed: batch.failed });
        const cancelRequested = await this.commitBatch(job, resource, batch, records, progress, state);
        if (progress.added >= analyzeAt) {
          await this.pool.query('ANALYZE records (integration_id, resource_type)');
          analyzeAt = progress.added * 2;
        }
        if (cancelRequested) return 'cancelled';
        if (control.stopReason()) return 'shutdown';
      }
    }
    const limited = job.recordLimit !== null && progress.fetched >= job.recordLimit;
    progress.done = true;
    progress.outcome = 'completed';
    await withTransaction(this.pool, async (client) => {
      const swept = sightings && !limited;
      if (swept) {
        const tombstoned = await tombstoneUnseen(client, integration.id, resource, sightings);
        progress.deleted += tombstoned;
        progress.reconciledDeletes = tombstoned;
        if (tombstoned) this.metrics.syncRecords.inc({ resource, outcome: 'deleted' }, tombstoned);
      }
      // A full pass that ran to its end (here, or resumed from an earlier run) restarts the reconciliation interval.
      if (!limited) await saveState(client, integration.id, resource, { checkpoint: state.checkpoint, inFullPass: false }, job.id, state.inFullPass);
      const stored = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM records WHERE integration_id = $1 AND resource_type = $2 AND deleted_at IS NULL', [integration.id, resource]);
      progress.stored = Number(stored.rows[0].n);
      if (sourceCount !== null && !limited) progress.sourceCount = sourceCount;
      await client.query('UPDATE sync_jobs SET progress = $2, updated_at = now() WHERE id = $1', [job.id, JSON.stringify(job.progress)]);
    });
    return null;
  }

  /** Writes one batch, its issues, checkpoint and progress atomically. Returns whether a cancel was requested. */
  private async commitBatch(
    job: SyncJob, resource: ResourceType, batch: ReadBatch, records: PreparedRecord[], progress: ResourceProgress, state: SyncState,
  ): Promise<boolean> {
    const before = { ...progress };
    try {
      return await withTransaction(this.pool, async (client) => {
        const target = { organizationId: job.organizationId, integrationId: job.integrationId, resource };
        const counts = await this.writer.write(client, target, records, batch.deletedExternalIds);
        await insertIssues(client, job, resource, 'skipped', batch.skipped);
        await insertIssues(client, job, resource, 'failed', batch.failed);
        await saveState(client, job.integrationId, resource, state, job.id);
        progress.fetched += batch.fetched;
        progress.added += counts.added;
        progress.updated += counts.updated;
        progress.unchanged += counts.unchanged;
        progress.deleted += counts.deleted;
        progress.skipped += counts.skipped + batch.skipped.length;
        progress.failed += batch.failed.length;
        this.countRows(resource, { ...counts, skipped: counts.skipped + batch.skipped.length, failed: batch.failed.length });
        const res = await client.query<{ cancel_requested_at: Date | null }>(
          'UPDATE sync_jobs SET progress = $2, updated_at = now() WHERE id = $1 RETURNING cancel_requested_at',
          [job.id, JSON.stringify(job.progress)],
        );
        return res.rows[0]?.cancel_requested_at != null;
      });
    } catch (error) {
      Object.assign(progress, before); // the batch rolled back: so do its counters
      throw error;
    }
  }

  /** Adds a batch's row outcomes to `sync_records_total{resource,outcome}`. */
  private countRows(resource: ResourceType, counts: Record<'added' | 'updated' | 'unchanged' | 'deleted' | 'skipped' | 'failed', number>): void {
    for (const [outcome, n] of Object.entries(counts)) if (n > 0) this.metrics.syncRecords.inc({ resource, outcome }, n);
  }

  /** Puts the job in a final status, updates the integration and audits `sync_job.completed`. */
  async finish(job: SyncJob, status: 'succeeded' | 'partially_succeeded' | 'failed' | 'cancelled', error?: { code: string; message: string }): Promise<RunOutcome> {
    const finishedAt = new Date();
    await this.jobs.update({ id: job.id }, {
      status, finishedAt, progress: job.progress, errorCode: error?.code ?? null, errorMessage: error?.message.slice(0, 500) ?? null,
    });
    const unreadable = Object.entries(job.progress).filter(([, p]) => p.outcome === 'failed').map(([resource, p]) => ({ resource, errorCode: p.errorCode ?? null }));
    const counts = status === 'succeeded' || status === 'partially_succeeded' ? reconcileCounts(job, finishedAt) : undefined;
    if (status === 'succeeded' || status === 'partially_succeeded') {
      // A partial sync counts as a sync for the freshness SLA (the resources it read are current);
      // the unreadable ones are named in lastError until the next clean sync or connection test.
      const note = unreadable.length ? `Last sync could not read: ${unreadable.map((u) => `${u.resource} (${u.errorCode})`).join(', ')}` : null;
      await this.integrations.markSynced(job.integrationId, finishedAt, note, counts);
    } else if (status === 'failed') {
      await this.integrations.setHealth(job.integrationId, false, error?.message ?? 'Sync failed', false);
    }
    const totals = Object.values(job.progress).reduce<Record<string, number>>((sum, p) => {
      for (const key of ['fetched', 'added', 'updated', 'unchanged', 'skipped', 'deleted', 'failed'] as const) sum[key] = (sum[key] ?? 0) + p[key];
      return sum;
    }, {});
    await this.audit.record({
      organizationId: job.organizationId, actorType: 'system', action: 'sync_job.completed', targetType: 'sync_job', targetId: job.id,
      outcome: status === 'failed' ? 'failure' : 'success',
      details: {
        integrationId: job.integrationId, status, mode: job.mode, direction: job.direction, totals, outbound: job.outbound ?? null,
        errorCode: error?.code ?? null, unreadableResources: unreadable, ...(counts ? { countMismatches: counts.resources } : {}),
      },
    });
    // Conflicts the job's batches raised get the organization's policy on the conflict-resolution queue;
    // if Redis refuses now, they stay undecided (listed, strategy null) until the next job ends.
    await this.conflicts.schedule(job.integrationId, job.id).catch((e: Error) =>
      this.logger.warn({ syncJobId: job.id, errorClass: e.name }, 'could not schedule conflict resolution'));
    return 'done';
  }

  /** Records a temporary failure that BullMQ will retry (status stays active). */
  async noteRetry(syncJobId: string, error: { code: string; message: string }): Promise<void> {
    await this.jobs.update({ id: syncJobId }, { errorCode: error.code, errorMessage: `Retrying after: ${error.message}`.slice(0, 500) });
  }

  /** A job that waits for the vendor (a running Bulk export): queued again, the wait in its message. */
  async noteWait(syncJobId: string, until: Date, reason: { code: string; message: string }): Promise<void> {
    await this.jobs.update({ id: syncJobId }, { status: 'queued', errorCode: reason.code, errorMessage: `Waiting for the vendor until ${until.toISOString()}: ${reason.message}`.slice(0, 500) });
  }

  /** Loads a job for the worker's failure path. */
  findJob(syncJobId: string): Promise<SyncJob | null> {
    return this.jobs.findOne({ where: { id: syncJobId } });
  }
}
