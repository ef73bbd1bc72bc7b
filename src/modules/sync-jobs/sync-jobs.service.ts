import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, In, Repository } from 'typeorm';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { ResourceType } from '../../providers/provider-adapter';
import { ProviderRegistryService } from '../../providers/provider-registry.service';
import { JobName, SYNC_JOB_ATTEMPTS, SYNC_JOB_BACKOFF_MS, SyncJobData, syncBullJobId } from '../../queue/queue.constants';
import { SYNC_QUEUE } from '../../queue/queue.module';
import { AuditService } from '../audit/audit.service';
import { Actor, IntegrationsService } from '../integrations/integrations.service';
import { SyncDirection, SyncJob, SyncJobError, SyncMode, SyncStatus, TERMINAL_STATUSES } from './sync-job.entity';
import { SyncJobException, SyncJobExceptionCode } from './sync-job.exception';

/** What to sync. `limit` caps source rows per resource for this run; the next run continues. */
export interface SyncRequest {
  integrationId: string;
  mode: SyncMode;
  resources?: ResourceType[];
  limit?: number;
  direction?: SyncDirection;
}

/** Filters of the job list. */
export interface SyncJobQuery {
  integrationId?: string;
  status?: SyncStatus;
  cursor?: string;
  limit: number;
}

/** Creates, lists, cancels and retries sync jobs; the work itself runs on the `sync-jobs` queue. */
@Injectable()
export class SyncJobsService {
  private readonly logger = new Logger(SyncJobsService.name);

  constructor(
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    @InjectRepository(SyncJobError) private readonly errors: Repository<SyncJobError>,
    @Inject(SYNC_QUEUE) private readonly queue: Queue<SyncJobData>,
    private readonly dataSource: DataSource,
    private readonly integrations: IntegrationsService,
    private readonly registry: ProviderRegistryService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a job and enqueues it.
   * @throws 404 unknown integration; 409 disabled or already syncing; 400 unsupported resource.
   */
  async create(request: SyncRequest, actor: Actor, trigger = 'api', retryOf: string | null = null): Promise<SyncJob> {
    const integration = await this.integrations.get(actor.organizationId, request.integrationId);
    if (!integration.enabled) throw new SyncJobException(SyncJobExceptionCode.INTEGRATION_DISABLED, 'Integration is disabled; enable it before syncing');
    const capabilities = this.registry.get(integration.vendor).descriptor.capabilities;
    const resources = request.resources?.length ? [...new Set(request.resources)] : capabilities.resources;
    const unsupported = resources.filter((r) => !capabilities.resources.includes(r));
    if (unsupported.length) {
      throw new SyncJobException(
        SyncJobExceptionCode.UNSUPPORTED_RESOURCE,
        `resources: ${unsupported.join(', ')} not supported by ${integration.vendor} (supported: ${capabilities.resources.join(', ')})`,
        [{ field: 'resources', errors: [`unsupported: ${unsupported.join(', ')}`] }],
      );
    }
    let job: SyncJob;
    try {
      job = await this.dataSource.transaction(async (manager) => {
        const created = await manager.getRepository(SyncJob).save(manager.create(SyncJob, {
          organizationId: actor.organizationId, integrationId: integration.id, mode: request.mode, direction: request.direction ?? 'inbound', trigger,
          resources, recordLimit: request.limit ?? null, status: 'queued', progress: {}, retryOf,
        }));
        await this.audit.record({
          organizationId: actor.organizationId, actorType: actor.actorId === 'system' ? 'system' : 'api_key', actorId: actor.actorId,
          action: 'sync_job.created', targetType: 'sync_job', targetId: created.id, requestId: actor.requestId,
          details: { integrationId: integration.id, mode: request.mode, direction: request.direction ?? 'inbound', resources, trigger, retryOf },
        }, manager);
        return created;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new SyncJobException(SyncJobExceptionCode.ALREADY_SYNCING, 'Integration is already syncing; wait for the active job or cancel it');
      }
      throw error;
    }
    await this.enqueue(job);
    return job;
  }

  /**
   * Enqueues an existing queued or running job again (the queue lost it: see SyncQueueReconciler).
   * Same deterministic BullMQ job id, so a job still in the queue is not added twice.
   */
  async requeue(syncJobId: string): Promise<void> {
    await this.queue.add(JobName.RUN_SYNC, { syncJobId }, this.jobOptions(syncJobId));
  }

  private jobOptions(syncJobId: string) {
    return {
      jobId: syncBullJobId(syncJobId),
      attempts: SYNC_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: SYNC_JOB_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  private async enqueue(job: SyncJob): Promise<void> {
    try {
      await this.queue.add(JobName.RUN_SYNC, { syncJobId: job.id }, this.jobOptions(job.id));
    } catch (error) {
      this.logger.error({ syncJobId: job.id, errorClass: (error as Error).name }, 'enqueue failed');
      await this.jobs.update({ id: job.id }, { status: 'failed', errorCode: 'QUEUE_UNAVAILABLE', errorMessage: 'The job queue is unavailable', finishedAt: new Date() });
      throw error;
    }
  }

  /** @throws SyncJobException NOT_FOUND (404), also for another organization's job. */
  async get(organizationId: string, id: string): Promise<SyncJob> {
    const job = await this.jobs.findOne({ where: { id, organizationId } });
    if (!job) throw new SyncJobException(SyncJobExceptionCode.NOT_FOUND, 'Sync job not found');
    return job;
  }

  /** Newest first, keyset-paged on (createdAt, id). */
  async list(organizationId: string, q: SyncJobQuery): Promise<Page<SyncJob>> {
    const cursor = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const qb = this.jobs.createQueryBuilder('j').where('j.organizationId = :organizationId', { organizationId });
    if (q.integrationId) qb.andWhere('j.integrationId = :integrationId', { integrationId: q.integrationId });
    if (q.status) qb.andWhere('j.status = :status', { status: q.status });
    if (cursor) qb.andWhere('(j.createdAt, j.id) < (:c0, :c1)', { c0: cursor[0], c1: cursor[1] });
    const rows = await qb.orderBy('j.createdAt', 'DESC').addOrderBy('j.id', 'DESC').limit(q.limit + 1).getMany();
    return toPage(rows, q.limit, (r) => [r.createdAt.toISOString(), r.id], (r) => r);
  }

  /** Per-record errors and skips of a job, in order. */
  async listErrors(organizationId: string, id: string, cursor: string | undefined, limit: number): Promise<Page<SyncJobError>> {
    await this.get(organizationId, id);
    const after = decodeCursor(cursor, ['int']);
    const qb = this.errors.createQueryBuilder('e').where('e.jobId = :id AND e.organizationId = :organizationId', { id, organizationId });
    if (after) qb.andWhere('e.id > :after', { after: String(after[0]) });
    const rows = await qb.orderBy('e.id', 'ASC').limit(limit + 1).getMany();
    return toPage(rows, limit, (r) => [r.id], (r) => r);
  }

  /** Cancels a queued job at once, or asks a running one to stop after its current batch. @throws 409 for finished jobs. */
  async cancel(organizationId: string, id: string, actor: Actor): Promise<SyncJob> {
    const job = await this.get(organizationId, id);
    if (TERMINAL_STATUSES.includes(job.status)) throw new SyncJobException(SyncJobExceptionCode.NOT_CANCELLABLE, `Sync job is already ${job.status}`);
    await this.jobs.update({ id, organizationId }, { cancelRequestedAt: new Date() });
    if (job.status === 'queued') {
      const removed = await this.queue.remove(syncBullJobId(id)).catch(() => 0);
      if (removed) await this.jobs.update({ id, status: In(['queued']) }, { status: 'cancelled', finishedAt: new Date() });
    }
    await this.audit.record({
      organizationId, actorType: 'api_key', actorId: actor.actorId, action: 'sync_job.cancel_requested',
      targetType: 'sync_job', targetId: id, requestId: actor.requestId,
    });
    return this.get(organizationId, id);
  }

  /** Starts a new job like this one; it resumes from the last saved checkpoint. @throws 409 unless failed, cancelled or partially succeeded. */
  async retry(organizationId: string, id: string, actor: Actor): Promise<SyncJob> {
    const job = await this.get(organizationId, id);
    if (!['failed', 'cancelled', 'partially_succeeded'].includes(job.status)) {
      throw new SyncJobException(SyncJobExceptionCode.NOT_RETRYABLE, `Only failed, cancelled or partially succeeded jobs can be retried (this one is ${job.status})`);
    }
    return this.create(
      { integrationId: job.integrationId, mode: job.mode, resources: job.resources as ResourceType[], limit: job.recordLimit ?? undefined, direction: job.direction },
      actor, 'retry', job.id,
    );
  }
}
