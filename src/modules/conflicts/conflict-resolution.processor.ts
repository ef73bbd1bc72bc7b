import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobProcessors } from '../../queue/job-processors';
import { CONFLICT_JOB_ATTEMPTS, CONFLICT_JOB_BACKOFF_MS, ConflictJobData, JobName } from '../../queue/queue.constants';
import { CONFLICT_QUEUE } from '../../queue/queue.module';
import { AuditService } from '../audit/audit.service';
import { MetricsService } from '../operations/metrics.service';
import { decide, ruleFor } from './conflict-policy';
import { decideCrossSource } from './cross-source-policy';
import { ConflictPoliciesService } from './conflict-policies.service';
import { ConflictsService } from './conflicts.service';
import { ConflictsException } from './conflicts.exception';
import type { ConflictRow } from './conflict.row';

/** Undecided conflicts taken per round. */
const PAGE = 200;

const SYSTEM = { actorType: 'system' as const, actorId: 'system' };

/**
 * The `conflict-resolution` queue (docs/conflicts.md): after a sync the runner calls
 * {@link schedule}, which adds a `resolve-conflicts` job `{ integrationId }` when the
 * integration has undecided conflicts (strategy NULL). The processor applies the organization's
 * policy to each ({@link decide}): a resolution goes through {@link ConflictsService.settle} (a kept
 * local value written back to the vendor where it can be; audited
 * `conflict.resolved`, actor `system`); a conflict left for a person gets its strategy and the
 * reason, audited `conflict.review_requested`. Each decision counts in
 * `conflict_decisions_total{strategy,resolution}`. A retry finds only what is still undecided.
 * `cross_source` conflicts (raised by person matching) get {@link decideCrossSource}: the chosen
 * source is stored for the golden record.
 */
@Injectable()
export class ConflictResolutionProcessor implements OnModuleInit {
  private readonly logger = new Logger(ConflictResolutionProcessor.name);

  constructor(
    @Inject(CONFLICT_QUEUE) private readonly queue: Queue<ConflictJobData>,
    private readonly processors: JobProcessors,
    private readonly dataSource: DataSource,
    private readonly policies: ConflictPoliciesService,
    private readonly conflicts: ConflictsService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.processors.register<ConflictJobData>(JobName.RESOLVE_CONFLICTS, (job) => this.process(job));
  }

  /** Adds the job when the integration has undecided conflicts; `key` (the sync job id) makes the job id deterministic. */
  async schedule(integrationId: string, key: string): Promise<boolean> {
    const [pending] = await this.dataSource.query(
      `SELECT 1 FROM conflicts WHERE integration_id = $1 AND status = 'open' AND strategy IS NULL LIMIT 1`, [integrationId]);
    if (!pending) return false;
    await this.queue.add(JobName.RESOLVE_CONFLICTS, { integrationId }, {
      jobId: `conflicts-${key}`, attempts: CONFLICT_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: CONFLICT_JOB_BACKOFF_MS },
      removeOnComplete: 1000, removeOnFail: 5000,
    });
    return true;
  }

  private async process(job: Job<ConflictJobData>): Promise<{ decided: number }> {
    let decided = 0;
    for (;;) {
      const rows: ConflictRow[] = await this.dataSource.query(
        `SELECT * FROM conflicts WHERE integration_id = $1 AND status = 'open' AND strategy IS NULL ORDER BY created_at, id LIMIT $2`,
        [job.data.integrationId, PAGE]);
      if (!rows.length) return { decided };
      const rules = await this.policies.rules(rows[0].organization_id);
      for (const row of rows) {
        await this.decideOne(row, rules);
        decided++;
      }
    }
  }

  private async decideOne(row: ConflictRow, rules: Awaited<ReturnType<ConflictPoliciesService['rules']>>): Promise<void> {
    const rule = ruleFor(rules, row.resource_type, row.field);
    const decision = row.kind === 'cross_source' ? decideCrossSource(row.sources ?? [], rule) : decide({
      resourceType: row.resource_type, field: row.field, integrationId: row.integration_id, base: row.base_value, local: row.local_value,
      remote: row.remote_value, localAt: row.local_at ? new Date(row.local_at) : null, remoteAt: row.remote_at ? new Date(row.remote_at) : null,
    }, rule);
    this.metrics.conflictDecisions.inc({ strategy: decision.strategy, resolution: decision.resolution ?? 'left_open' });
    if (decision.resolution) {
      const value = decision.resolution === 'merge' ? decision.value : undefined;
      const integrationId = 'integrationId' in decision ? (decision.integrationId as string) : undefined;
      try {
        await this.conflicts.settle(row, { resolution: decision.resolution, value, integrationId, strategy: decision.strategy, actor: SYSTEM, reason: `policy ${decision.strategy}` });
      } catch (error) {
        // A refused write-back leaves the conflict open with its reason; a person may have closed it meanwhile.
        if (!(error instanceof ConflictsException)) throw error;
        this.logger.warn({ conflictId: row.id, errorCode: error.code }, 'automatic resolution not applied');
      }
      return;
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE conflicts SET strategy = $2, reason = $3, updated_at = now() WHERE id = $1 AND status = 'open'`, [row.id, decision.strategy, decision.why]);
      await this.audit.record({
        organizationId: row.organization_id, actorType: 'system', action: 'conflict.review_requested', targetType: 'conflict', targetId: row.id,
        details: { recordId: row.record_id, resourceType: row.resource_type, field: row.field, strategy: decision.strategy, kind: row.kind },
      }, manager);
    });
    this.logger.debug({ conflictId: row.id, strategy: decision.strategy }, 'conflict left for review');
  }
}
