import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommonException } from '../../common/domain-exception';
import { ResourceType } from '../../providers/provider-adapter';
import { AuditService } from '../audit/audit.service';
import { noteLocalEdit } from '../conflicts/conflict-detection';
import type { OrgAuth } from '../organizations/auth.context';
import { EditActor, etagOf, ifMatchVersions, parseEdit } from './local-edits';
import { RecordsException, RecordsExceptionCode } from './records.exception';
import { RecordRow, RecordsService } from './records.service';

/** An instant as JSON text in UTC with `Z` (`2026-12-03T10:00:00.000Z`), like the canonical model's instants. */
const isoJson = (expr: string) => `to_jsonb(to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * Local edits of a record (`PATCH /api/v1/patients/:id`, `/appointments/:id`; docs/conflicts.md):
 * each given field goes to `records.local_data` as `{ value, base, baseAt, editedAt, editedBy }`
 * (`base` = the source value at the time of the edit); the source `data` stays as synced. The
 * write is one conditional UPDATE on `version`, so of two edits made from the same ETag exactly
 * one wins and the other gets 412. Open conflicts of the edited fields take the new local value,
 * and the audit event (`record.edited`, field names only, never values) is written, in the same transaction.
 */
@Injectable()
export class RecordEditsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly records: RecordsService,
  ) {}

  /**
   * Applies `body` (top-level canonical fields) to the record if its version is one `If-Match` names.
   * @returns the record after the edit (effective data, edits).
   * @throws RecordsException 428 without a usable If-Match, 400 naming an unknown, read-only or
   *   badly typed field, 412 when the version moved on (details: the current ETag);
   *   CommonException 404 for an unknown id or another organization's record.
   */
  async edit(auth: OrgAuth, resource: ResourceType, id: string, ifMatch: string | undefined, body: unknown): Promise<RecordRow> {
    const versions = ifMatchVersions(ifMatch);
    const fields = parseEdit(resource, body);
    const actor: EditActor = { actorType: 'api_key', actorId: auth.apiKeyId };
    await this.dataSource.transaction(async (manager) => {
      const updated: Array<{ version: number }> = await manager.query(
        `WITH u AS (
           UPDATE records r SET
                  local_data = COALESCE(r.local_data, '{}'::jsonb) || (
                    SELECT jsonb_object_agg(p.key, jsonb_build_object(
                             'value', p.value, 'base', COALESCE(r.data -> p.key, 'null'::jsonb), 'baseAt', ${isoJson('r.last_synced_at')},
                             'editedAt', ${isoJson('now()')}, 'editedBy', $5::jsonb))
                      FROM jsonb_each($4::jsonb) p),
                  version = r.version + 1, updated_at = now()
            WHERE r.organization_id = $1 AND r.resource_type = $2 AND r.id = $3 AND r.version = ANY($6::int[])
           RETURNING r.version)
         SELECT version FROM u`,
        [auth.organizationId, resource, id, JSON.stringify(fields), JSON.stringify(actor), versions],
      );
      if (!updated.length) {
        const current: Array<{ version: number }> = await manager.query(
          'SELECT version FROM records WHERE organization_id = $1 AND resource_type = $2 AND id = $3', [auth.organizationId, resource, id]);
        if (!current.length) throw CommonException.notFound(resource.replace(/s$/, '').replace(/^./, (c) => c.toUpperCase()));
        throw new RecordsException(RecordsExceptionCode.PRECONDITION_FAILED,
          'The record changed since the ETag given in If-Match: GET it again and reapply the edit', { currentETag: etagOf(current[0].version) });
      }
      await noteLocalEdit(manager, id, fields);
      await this.audit.record({
        organizationId: auth.organizationId, actorType: 'api_key', actorId: auth.apiKeyId, action: 'record.edited',
        targetType: resource, targetId: id, requestId: auth.requestId, details: { fields: Object.keys(fields), version: updated[0].version },
      }, manager);
    });
    return this.records.get(auth.organizationId, resource, id);
  }
}
