import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { ChainVerification, verifyAuditChain } from './audit-chain';

/** Buffered events are written at least this often (ms), or as soon as this many wait. */
const FLUSH_MS = 1000;
const FLUSH_AT = 500;

/** What to record. `details` must hold ids, counts and codes only: no PHI, no secrets. */
export interface AuditInput {
  organizationId: string | null;
  actorType: 'api_key' | 'admin' | 'system';
  actorId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  outcome?: 'success' | 'failure';
  requestId?: string;
  details?: Record<string, unknown>;
}

/** Filters of `GET /api/v1/audit-events`. */
export interface AuditQuery {
  action?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/**
 * Writes and lists audit events (append-only, hash-chained per organization by a database
 * trigger: see migration AuditHashChain), verifies the chain and exports events as NDJSON.
 */
@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private buffer: AuditInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectRepository(AuditEvent) private readonly repo: Repository<AuditEvent>,
    private readonly dataSource: DataSource,
  ) {}

  /** Appends an event; pass `manager` to write it in the caller's transaction. */
  async record(input: AuditInput, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditEvent) : this.repo;
    await repo.insert(this.row(input));
  }

  /**
   * Queues an event to be written within about a second, in one INSERT with the others waiting
   * (reads are audited off the request path). Flushed on shutdown, so SIGTERM loses none.
   */
  recordLater(input: AuditInput): void {
    this.buffer.push(input);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes every buffered event now (in order; one flush at a time). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.repo.insert(batch.map((input) => this.row(input)));
      } catch (error) {
        // Kept for the next flush rather than dropped: an audit event is never silently lost.
        this.buffer.unshift(...batch);
        this.logger.error({ errorClass: (error as Error).name, count: batch.length }, 'audit flush failed; will retry');
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
      }
    });
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Recomputes the organization's hash chain and names the first broken link. */
  verify(organizationId: string): Promise<ChainVerification> {
    return verifyAuditChain(this.dataSource, organizationId);
  }

  /**
   * The organization's events with `from <= created_at < to`, oldest first, in pages of 1,000
   * (keyset on chain_seq), for streaming as NDJSON.
   */
  async *export(organizationId: string, from?: Date, to?: Date): AsyncGenerator<AuditEvent[]> {
    let after = '0';
    for (;;) {
      const qb = this.repo.createQueryBuilder('e')
        .where('e.organizationId = :organizationId AND e.chainSeq > :after', { organizationId, after });
      if (from) qb.andWhere('e.createdAt >= :from', { from });
      if (to) qb.andWhere('e.createdAt < :to', { to });
      const rows = await qb.orderBy('e.chainSeq', 'ASC').limit(1000).getMany();
      if (!rows.length) return;
      yield rows;
      after = rows[rows.length - 1].chainSeq;
      if (rows.length < 1000) return;
    }
  }

  private row(input: AuditInput): QueryDeepPartialEntity<AuditEvent> {
    return {
      organizationId: input.organizationId,
      actorType: input.actorType,
      actorId: input.actorId ?? (input.actorType === 'system' ? 'system' : null),
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      outcome: input.outcome ?? 'success',
      requestId: input.requestId ?? null,
      details: input.details ?? {},
    } as QueryDeepPartialEntity<AuditEvent>;
  }

  /** Lists an organization's events, newest first, keyset-paged on the sequence number. */
  async list(organizationId: string, q: AuditQuery): Promise<Page<AuditEvent>> {
    const cursor = decodeCursor(q.cursor, ['int']);
    const qb = this.repo.createQueryBuilder('e').where('e.organizationId = :organizationId', { organizationId });
    if (q.action) qb.andWhere('e.action = :action', { action: q.action });
    if (q.targetId) qb.andWhere('e.targetId = :targetId', { targetId: q.targetId });
    if (q.from) qb.andWhere('e.createdAt >= :from', { from: q.from });
    if (q.to) qb.andWhere('e.createdAt < :to', { to: q.to });
    if (cursor) qb.andWhere('e.seq < :seq', { seq: String(cursor[0]) });
    const rows = await qb.orderBy('e.seq', 'DESC').limit(q.limit + 1).getMany();
    return toPage(rows, q.limit, (r) => [r.seq], (r) => r);
  }
}
