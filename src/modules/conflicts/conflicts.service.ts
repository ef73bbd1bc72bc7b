import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { validateCanonicalFields } from '../../canonical';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import type { ResourceType } from '../../providers/provider-adapter';
import type { OrgAuth } from '../organizations/auth.context';
import type { LocalData } from '../records/local-edits';
import { ConflictResolver, mergedOrThrow, ResolutionInput } from './conflict-resolver';
import { ConflictWriteBack } from './conflict-write-back';
import type { ConflictRow } from './conflict.row';
import { ConflictsException, ConflictsExceptionCode } from './conflicts.exception';
import type { SourceChoice } from '../persons/golden-record';
import { ConflictDetailDto, ConflictDto, ConflictListQueryDto, ConflictResolveDto } from './dtos/conflict.dto';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A conflict row as the API shows it. */
export function toConflictDto(r: ConflictRow): ConflictDto {
  return {
    id: r.id, kind: r.kind, recordId: r.record_id, integrationId: r.integration_id, resourceType: r.resource_type, field: r.field,
    base: { value: r.base_value, at: iso(r.base_at) }, local: { value: r.local_value, at: iso(r.local_at) }, remote: { value: r.remote_value, at: iso(r.remote_at) },
    status: r.status, strategy: r.strategy, resolution: r.resolution, resolvedValue: r.resolved_value ?? null, reason: r.reason,
    resolvedBy: r.resolved_by, resolvedAt: iso(r.resolved_at), writeBack: r.write_back ?? null,
    personId: r.person_id ?? null, sources: r.sources ?? null, winningIntegrationId: r.winning_integration_id ?? null,
    createdAt: iso(r.created_at) as string, updatedAt: iso(r.updated_at) as string,
  };
}

/**
 * Lists, reads and resolves an organization's conflicts (docs/conflicts.md). Resolved and ignored
 * conflicts stay listed. Another organization's conflict is not found (404).
 */
@Injectable()
export class ConflictsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resolver: ConflictResolver,
    private readonly writeBack: ConflictWriteBack,
  ) {}

  /** Newest first, keyset on (created_at, id). @throws 400 for a malformed cursor. */
  async list(organizationId: string, q: ConflictListQueryDto): Promise<Page<ConflictDto>> {
    const limit = q.limit ?? 100;
    const cursor = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const params: unknown[] = [organizationId];
    const where = ['organization_id = $1'];
    const add = (column: string, value: unknown) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    add('status', q.status);
    add('integration_id', q.integrationId);
    add('resource_type', q.resourceType);
    add('record_id', q.recordId);
    if (cursor) {
      params.push(cursor[0], cursor[1]);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: ConflictRow[] = await this.dataSource.query(
      `SELECT * FROM conflicts WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
    return toPage(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id], toConflictDto);
  }

  /** One conflict with the record's values of the field now. @throws ConflictsException 404. */
  async get(organizationId: string, id: string): Promise<ConflictDetailDto> {
    const row = await this.row(organizationId, id);
    const [record] = await this.dataSource.query(
      'SELECT data -> $2 AS source, local_data -> $2 AS edit FROM records WHERE id = $1', [row.record_id, row.field],
    ) as Array<{ source: unknown; edit: LocalData[string] | null }>;
    const local = record?.edit ? record.edit.value : null;
    return { ...toConflictDto(row), current: { source: record?.source ?? null, local, effective: record?.edit ? local : record?.source ?? null } };
  }

  /**
   * Resolves an open conflict as a person decides (strategy `manual` on the row, the resolution
   * given). `value` is required with `manual` and checked against the field's canonical type.
   * @throws ConflictsException 404, 409 when closed or a merge overlaps, 400 naming `value`.
   */
  async resolve(auth: OrgAuth, id: string, body: ConflictResolveDto): Promise<ConflictDetailDto> {
    const row = await this.row(auth.organizationId, id);
    if (row.status !== 'open') throw new ConflictsException(ConflictsExceptionCode.CLOSED, 'The conflict is already resolved or ignored');
    checkSourceChoice(row, body);
    if (body.strategy === 'manual' && body.value === undefined) throw invalidValue(['value is required with strategy manual']);
    if (body.value !== undefined && (body.strategy === 'manual' || body.strategy === 'merge')) {
      const problems = validateCanonicalFields(row.resource_type as ResourceType, { [row.field]: body.value });
      if (problems.length) throw invalidValue(problems.map((p) => `value (${p.path}) ${p.message}`));
    }
    await this.settle(row, {
      resolution: body.strategy, value: body.value, integrationId: body.integrationId, reason: body.reason ?? null, strategy: 'manual',
      actor: { actorType: 'api_key', actorId: auth.apiKeyId }, requestId: auth.requestId,
    });
    return this.get(auth.organizationId, id);
  }

  /**
   * Applies a resolution, by a person or a policy strategy. A kept local value (use_local,
   * manual, merge) is first written back to the vendor where its adapter can
   * ({@link ConflictWriteBack}); the attempt is stored on the conflict (`writeBack`). When the
   * vendor refuses it, or holds another value after the update, the conflict stays open with
   * the vendor's reason. Written and confirmed, the local edit is dropped: the source holds it.
   * @throws ConflictsException WRITE_BACK_FAILED (409), MERGE_OVERLAP (409), CLOSED (409).
   */
  async settle(row: ConflictRow, input: ResolutionInput): Promise<void> {
    let writtenBack = false;
    let value = input.value;
    if (row.kind === 'three_way' && ['use_local', 'manual', 'merge'].includes(input.resolution)) {
      const [record] = await this.dataSource.query('SELECT data -> $2 AS source, local_data -> $2 AS edit FROM records WHERE id = $1', [row.record_id, row.field]) as
        Array<{ source: unknown; edit: LocalData[string] | null }>;
      if (input.resolution === 'merge' && value === undefined && record) value = mergedOrThrow(record.edit?.base ?? null, record.edit ? record.edit.value : record.source, record.source);
      const kept = input.resolution === 'use_local' ? record?.edit?.value : value;
      if (kept !== undefined) {
        const outcome = await this.writeBack.send(row, kept, { organizationId: row.organization_id, actorId: input.actor.actorId, requestId: input.requestId });
        const failed = outcome.status === 'refused' || outcome.status === 'mismatch';
        await this.dataSource.query(
          // Only a failure decides the strategy here: an undecided conflict stays undecided until it is closed.
          `UPDATE conflicts SET write_back = $2, reason = COALESCE($3, reason), strategy = CASE WHEN $3::text IS NULL THEN strategy ELSE COALESCE(strategy, $4) END,
                  updated_at = now()
            WHERE id = $1 AND status = 'open'`,
          [row.id, JSON.stringify(outcome), failed ? `write-back ${outcome.status}: ${outcome.errorCode ?? ''} ${outcome.message ?? ''}`.trim().slice(0, 500) : null, input.strategy]);
        if (failed) {
          throw new ConflictsException(ConflictsExceptionCode.WRITE_BACK_FAILED, 'The vendor did not take the value: the conflict stays open', { writeBack: outcome });
        }
        writtenBack = outcome.status === 'written';
      }
    }
    await this.resolver.apply(row, { ...input, value, writtenBack });
  }

  /**
   * Per patient field, the source chosen by the person's latest cross-source conflict when that
   * conflict was resolved for a source (the golden record follows it, persons/golden-record.ts).
   */
  async sourceChoices(organizationId: string, personId: string): Promise<Map<string, SourceChoice>> {
    const rows: Array<{ id: string; field: string; strategy: string; winning_integration_id: string | null; status: string }> = await this.dataSource.query(
      `SELECT DISTINCT ON (field) id, field, strategy, winning_integration_id, status FROM conflicts
        WHERE organization_id = $1 AND person_id = $2 AND kind = 'cross_source' ORDER BY field, created_at DESC, id DESC`,
      [organizationId, personId]);
    return new Map(rows.filter((r) => r.status === 'resolved' && r.winning_integration_id)
      .map((r) => [r.field, { conflictId: r.id, integrationId: r.winning_integration_id!, strategy: r.strategy }]));
  }

  private async row(organizationId: string, id: string): Promise<ConflictRow> {
    const [row] = await this.dataSource.query('SELECT * FROM conflicts WHERE id = $1 AND organization_id = $2', [id, organizationId]) as ConflictRow[];
    if (!row) throw new ConflictsException(ConflictsExceptionCode.NOT_FOUND, 'Conflict not found');
    return row;
  }
}

function invalidValue(errors: string[], field = 'value'): ConflictsException {
  return new ConflictsException(ConflictsExceptionCode.INVALID_RESOLUTION, `Validation failed: ${errors.join('; ')}`, [{ field, errors }]);
}

/**
 * A cross-source conflict takes `use_remote` with the `integrationId` of one of its sources, or
 * `ignore`; `integrationId` belongs to cross-source conflicts only. @throws 400 naming the field.
 */
function checkSourceChoice(row: ConflictRow, body: ConflictResolveDto): void {
  if (row.kind !== 'cross_source') {
    if (body.integrationId !== undefined) throw invalidValue(['integrationId is only for cross_source conflicts'], 'integrationId');
    return;
  }
  if (body.strategy !== 'use_remote' && body.strategy !== 'ignore') throw invalidValue(['a cross_source conflict takes use_remote (with integrationId) or ignore'], 'strategy');
  if (body.strategy !== 'use_remote') return;
  if (!body.integrationId) throw invalidValue(['integrationId is required with use_remote on a cross_source conflict'], 'integrationId');
  if (!row.sources?.some((s) => s.integrationId === body.integrationId)) throw invalidValue(['integrationId is not one of the conflict\'s sources'], 'integrationId');
}
