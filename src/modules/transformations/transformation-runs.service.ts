import { Inject, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Pool } from 'pg';
import { APP_ENV } from '../../config/config.module';
import { AppEnv } from '../../config/env';
import { Cipher, deriveKey } from '../../common/crypto';
import { PG_POOL } from '../../database/database.module';
import { RECORD_REDERIVERS } from '../../providers/record-rederivers';
import { JobProcessors } from '../../queue/job-processors';
import { JobName, TRANSFORMATION_JOB_ATTEMPTS, TransformationJobData } from '../../queue/queue.constants';
import { TRANSFORMATION_QUEUE } from '../../queue/queue.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { RecordRederiver, RederiveCounts } from '../records/record-rederiver';
import { RecordWriter } from '../records/record-writer';
import { TransformationRunDto } from './dtos/transformation-run.dto';
import { loadRecordTransformer } from './rule-loader';

interface RunRow {
  id: string; integration_id: string; status: TransformationRunDto['status']; progress: Partial<RederiveCounts> & { failed?: number };
  error_message: string | null; created_at: Date; started_at: Date | null; finished_at: Date | null;
}

const toDto = (r: RunRow): TransformationRunDto => ({
  id: r.id, integrationId: r.integration_id, status: r.status,
  progress: { read: r.progress.read ?? 0, rewritten: r.progress.rewritten ?? 0, unchanged: r.progress.unchanged ?? 0, kept: r.progress.kept ?? 0, failed: r.progress.failed ?? 0 },
  errorMessage: r.error_message, createdAt: r.created_at.toISOString(),
  startedAt: r.started_at?.toISOString() ?? null, finishedAt: r.finished_at?.toISOString() ?? null,
});

/**
 * Reapply runs: `POST …/transformation-rules/reapply` stores a `transformation_runs` row and adds
 * a `reapply-transformations` job (data: the run id) to the `data-transformation` queue. The
 * processor re-derives the integration's stored records from `raw` with the vendor mapper (no
 * vendor call, {@link RecordRederiver}), applies the enabled rules, and rewrites only records
 * whose content hash changed; progress is saved after every batch. A record a rule fails is kept
 * as stored and counted in `failed`.
 * @throws NotFoundException for another organization's integration or run.
 */
@Injectable()
export class TransformationRunsService implements OnModuleInit {
  private readonly rederiver: RecordRederiver;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TRANSFORMATION_QUEUE) private readonly queue: Queue<TransformationJobData>,
    @Inject(APP_ENV) env: AppEnv,
    private readonly integrations: IntegrationsService,
    private readonly processors: JobProcessors,
    writer: RecordWriter,
  ) {
    this.rederiver = new RecordRederiver(writer, new Cipher(deriveKey(env.encryptionKey, 'record-sensitive')), RECORD_REDERIVERS);
  }

  onModuleInit(): void {
    this.processors.register<TransformationJobData>(JobName.REAPPLY_TRANSFORMATIONS, (job) => this.process(job));
  }

  async start(organizationId: string, integrationId: string): Promise<TransformationRunDto> {
    await this.integrations.get(organizationId, integrationId);
    const res = await this.pool.query<RunRow>(
      'INSERT INTO transformation_runs (organization_id, integration_id) VALUES ($1, $2) RETURNING *', [organizationId, integrationId]);
    const run = res.rows[0];
    await this.queue.add(JobName.REAPPLY_TRANSFORMATIONS, { runId: run.id }, {
      jobId: `reapply-${run.id}`, attempts: TRANSFORMATION_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000,
    });
    return toDto(run);
  }

  async get(organizationId: string, integrationId: string, runId: string): Promise<TransformationRunDto> {
    const res = await this.pool.query<RunRow>(
      'SELECT * FROM transformation_runs WHERE id = $1 AND integration_id = $2 AND organization_id = $3', [runId, integrationId, organizationId]);
    if (!res.rows[0]) throw new NotFoundException('Transformation run not found');
    return toDto(res.rows[0]);
  }

  private async process(job: Job<TransformationJobData>): Promise<Record<string, number>> {
    const { runId } = job.data;
    const run = (await this.pool.query<RunRow>('SELECT * FROM transformation_runs WHERE id = $1', [runId])).rows[0];
    if (!run || run.status === 'succeeded') return {};
    await this.pool.query("UPDATE transformation_runs SET status = 'running', started_at = COALESCE(started_at, now()) WHERE id = $1", [runId]);
    try {
      const transformer = await loadRecordTransformer(this.pool, run.integration_id);
      let failed = 0;
      const save = (counts: RederiveCounts, status?: string) => this.pool.query(
        `UPDATE transformation_runs SET progress = $2, status = COALESCE($3, status), finished_at = CASE WHEN $3 IS NULL THEN finished_at ELSE now() END WHERE id = $1`,
        [runId, JSON.stringify({ read: counts.read, rewritten: counts.rewritten, unchanged: counts.unchanged, kept: counts.kept - failed, failed }), status ?? null]);
      const counts = await this.rederiver.run(this.pool, {
        integrationId: run.integration_id,
        transform: async (resource, record) => {
          const out = await transformer.transform(resource, [record]);
          if (out.failed.length) failed++;
          return out.records[0] ?? null;
        },
        onBatch: (c) => save(c).then(() => undefined),
      });
      await save(counts, failed ? 'partially_succeeded' : 'succeeded');
      return { read: counts.read, rewritten: counts.rewritten, unchanged: counts.unchanged, failed };
    } catch (error) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.pool.query('UPDATE transformation_runs SET status = $2, error_message = $3, finished_at = CASE WHEN $2 = \'failed\' THEN now() END WHERE id = $1',
        [runId, final ? 'failed' : 'queued', (error instanceof Error ? error.name : 'Error').slice(0, 100)]);
      throw error;
    }
  }
}
