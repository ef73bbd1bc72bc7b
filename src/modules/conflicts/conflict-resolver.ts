import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { EditActor, LocalData } from '../records/local-edits';
import type { ConflictResolution, ConflictStrategy } from './conflict-policy';
import type { ConflictRow } from './conflict.row';
import { ConflictsException, ConflictsExceptionCode } from './conflicts.exception';
import { threeWayMerge } from './three-way-merge';

/** A resolution to apply: by a person through the API, or by a policy strategy on the queue. */
export interface ResolutionInput {
  resolution: ConflictResolution;
  /** The value to keep (`manual`, and `merge` when given or computed). */
  value?: unknown;
  reason?: string | null;
  /** The policy strategy that decided (automatic decisions), or `manual` for a person. */
  strategy: ConflictStrategy;
  actor: EditActor;
  requestId?: string;
  /** The vendor holds the kept value now (two-way sync): the local edit is dropped, the source shows it. */
  writtenBack?: boolean;
  /** cross_source `use_remote`: the integration whose value wins (one of the conflict's sources). */
  integrationId?: string;
}

const isoNow = () => new Date().toISOString();

/** The three-way merge of the field now (`base` the edit's base, `local` its value, `remote` the source's now). @throws ConflictsException MERGE_OVERLAP (409) naming the overlapping parts. */
export function mergedOrThrow(base: unknown, local: unknown, remote: unknown): unknown {
  const merged = threeWayMerge(base, local, remote);
  if (merged.ok) return merged.value;
  throw new ConflictsException(ConflictsExceptionCode.MERGE_OVERLAP, `Local and source both changed ${merged.overlaps.join(', ')}: send the value to keep`, { overlaps: merged.overlaps });
}

/**
 * Applies a resolution to a conflict and its record in one transaction (docs/conflicts.md),
 * with the record row locked: `use_remote` drops the local edit of the field (the source value
 * shows again); `use_local` and `ignore` keep the local value and move its base to the current
 * source value (so the same source value raises nothing again); `merge` and `manual` store
 * `value` as the local value, based on the current source value (`merge` without a value: the
 * three-way merge of the edit's base, the local value and the source value now). The record's version goes up.
 * The conflict becomes `resolved` (`ignored` for ignore) with who, when, why and the value the
 * record now shows; the audit event `conflict.resolved` (ids, field, strategy; never values) is
 * written in the same transaction. A `cross_source` conflict changes no record: `use_remote`
 * stores the winning integration (`integrationId`) and its value, which the golden record follows.
 * @throws ConflictsException CLOSED (409) when the conflict is no longer open; MERGE_OVERLAP (409)
 *   for `merge` without a value where both sides changed the same part.
 */
@Injectable()
export class ConflictResolver {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async apply(conflict: ConflictRow, input: ResolutionInput): Promise<void> {
    if (conflict.kind === 'cross_source') return this.applyCrossSource(conflict, input);
    await this.dataSource.transaction(async (manager) => {
      const [record] = await manager.query(
        'SELECT data, local_data FROM records WHERE id = $1 FOR UPDATE', [conflict.record_id],
      ) as Array<{ data: Record<string, unknown>; local_data: LocalData | null }>;
      const local: LocalData = { ...(record?.local_data ?? {}) };
      const source = record?.data?.[conflict.field] ?? null;
      const edit = local[conflict.field];
      if (input.resolution === 'use_remote') delete local[conflict.field];
      else if (input.resolution === 'merge' || input.resolution === 'manual') {
        const value = input.value !== undefined ? input.value : mergedOrThrow(edit?.base ?? null, edit ? edit.value : source, source);
        local[conflict.field] = { value, base: source, baseAt: isoNow(), editedAt: isoNow(), editedBy: input.actor };
      } else if (edit) local[conflict.field] = { ...edit, base: source, baseAt: isoNow() };
      const shown = local[conflict.field] ? local[conflict.field].value : source;
      if (input.writtenBack) delete local[conflict.field];
      if (record) {
        await manager.query(
          'UPDATE records SET local_data = $2, version = version + 1, updated_at = now() WHERE id = $1',
          [conflict.record_id, Object.keys(local).length ? JSON.stringify(local) : null],
        );
      }
      await this.close(manager, conflict, input, shown);
    });
  }

  /**
   * A cross-source conflict: no record changes; `use_remote` stores the winning integration (the
   * golden record follows it, persons/golden-record.ts) and its value, `ignore` closes it.
   */
  private async applyCrossSource(conflict: ConflictRow, input: ResolutionInput): Promise<void> {
    const winner = input.resolution === 'use_remote' ? conflict.sources?.find((s) => s.integrationId === input.integrationId) : undefined;
    await this.dataSource.transaction(async (manager) => {
      await this.close(manager, conflict, input, winner ? winner.value : null, winner?.integrationId ?? null);
      if (conflict.person_id) await manager.query('UPDATE persons SET updated_at = now() WHERE id = $1', [conflict.person_id]);
    });
  }

  private async close(manager: EntityManager, conflict: ConflictRow, input: ResolutionInput, shown: unknown, winner: string | null = null): Promise<void> {
    const closed: unknown[] = await manager.query(
      `WITH u AS (
         UPDATE conflicts SET status = $2, strategy = $3, resolution = $4, resolved_value = $5::jsonb, reason = $6, resolved_by = $7,
                winning_integration_id = $8, resolved_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'open' RETURNING id)
       SELECT id FROM u`,
      [conflict.id, input.resolution === 'ignore' ? 'ignored' : 'resolved', input.strategy, input.resolution,
        JSON.stringify(shown ?? null), input.reason ?? null, input.actor.actorId, winner],
    );
    if (!closed.length) throw new ConflictsException(ConflictsExceptionCode.CLOSED, 'The conflict is already resolved or ignored');
    await this.audit.record({
      organizationId: conflict.organization_id, actorType: input.actor.actorType, actorId: input.actor.actorId, action: 'conflict.resolved',
      targetType: 'conflict', targetId: conflict.id, requestId: input.requestId,
      details: {
        recordId: conflict.record_id, resourceType: conflict.resource_type, field: conflict.field, strategy: input.strategy, resolution: input.resolution,
        ...(conflict.kind === 'cross_source' ? { kind: conflict.kind, personId: conflict.person_id, winningIntegrationId: winner } : {}),
      },
    }, manager);
  }
}
