import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { AuditEvent } from './audit-event.entity';

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

/** Writes and lists audit events (append-only). */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly repo: Repository<AuditEvent>) {}

  /** Appends an event; pass `manager` to write it in the caller's transaction. */
  async record(input: AuditInput, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditEvent) : this.repo;
    await repo.insert({
      organizationId: input.organizationId,
      actorType: input.actorType,
      actorId: input.actorId ?? (input.actorType === 'system' ? 'system' : null),
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      outcome: input.outcome ?? 'success',
      requestId: input.requestId ?? null,
      details: input.details ?? {},
    } as QueryDeepPartialEntity<AuditEvent>);
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
