import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommonException } from '../../common/domain-exception';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { normalizeSearchText } from '../../common/search-text';
import { ResourceType } from '../../providers/provider-adapter';

/** Filters shared by every record list; resource-specific ones are ignored where they do not apply. */
export interface RecordQuery {
  integrationId?: string;
  externalId?: string;
  includeDeleted?: boolean;
  updatedSince?: Date;
  q?: string;
  birthDate?: string;
  patientId?: string;
  from?: Date;
  to?: Date;
  status?: string;
  cursor?: string;
  limit: number;
}

/** A stored record row joined with its integration's vendor and last sync. */
export interface RecordRow {
  id: string;
  integration_id: string;
  vendor: string;
  integration_last_synced_at: Date | null;
  resource_type: string;
  external_id: string;
  data: Record<string, unknown>;
  raw: Record<string, unknown> | null;
  local_data: Record<string, unknown> | null;
  version: number;
  patient_id: string | null;
  source_updated_at: string | null;
  deleted_at: Date | null;
  linked_patient_id: string | null;
  link_reason: string | null;
  linked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Reads canonical records, always scoped by organization (another organization's record is
 * not found). Lists page by keyset: on `(updated_at, id)` when `updatedSince` is given (so a
 * client can follow changes), otherwise on `id`.
 */
@Injectable()
export class RecordsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(organizationId: string, resource: ResourceType, q: RecordQuery, withRaw = false): Promise<Page<RecordRow>> {
    const byUpdated = q.updatedSince !== undefined;
    const cursor = decodeCursor(q.cursor, byUpdated ? ['timestamp', 'uuid'] : ['uuid']);
    const where: string[] = ['r.organization_id = $1', 'r.resource_type = $2'];
    const params: unknown[] = [organizationId, resource];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (!q.includeDeleted) where.push('r.deleted_at IS NULL');
    if (q.integrationId) add('r.integration_id = ?', q.integrationId);
    if (q.externalId) add('r.external_id = ?', q.externalId);
    if (q.updatedSince) add('r.updated_at >= ?', q.updatedSince);
    const term = normalizeSearchText(q.q);
    if (term) add("r.search_text LIKE '%' || ? || '%'", term.replace(/[%_\\]/g, (c) => `\\${c}`));
    if (q.birthDate) add('r.birth_date = ?', q.birthDate);
    if (q.patientId) add('r.patient_id = ?', q.patientId);
    if (q.from) add('r.starts_at >= ?', q.from);
    if (q.to) add('r.starts_at < ?', q.to);
    if (q.status) add('r.status = ?', q.status);
    if (cursor && byUpdated) {
      params.push(cursor[0], cursor[1]);
      where.push(`(r.updated_at, r.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    } else if (cursor) {
      add('r.id > ?::uuid', cursor[0]);
    }
    params.push(q.limit + 1);
    const rows: RecordRow[] = await this.dataSource.query(
      `${this.select(withRaw)} WHERE ${where.join(' AND ')}
       ORDER BY ${byUpdated ? 'r.updated_at, r.id' : 'r.id'} LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, q.limit, (r) => (byUpdated ? [new Date(r.updated_at).toISOString(), r.id] : [r.id]), (r) => r);
  }

  /** One record by our id, deleted ones included (with `deletedAt`). @throws 404. */
  async get(organizationId: string, resource: ResourceType, id: string): Promise<RecordRow> {
    const rows: RecordRow[] = await this.dataSource.query(
      `${this.select(true)} WHERE r.organization_id = $1 AND r.resource_type = $2 AND r.id = $3`,
      [organizationId, resource, id],
    );
    if (!rows.length) throw CommonException.notFound(resource.replace(/s$/, '').replace(/^./, (c) => c.toUpperCase()));
    return rows[0];
  }

  /** Patients linked to `rootId` (same organization), in link order, deleted ones included. */
  linkedTo(organizationId: string, rootId: string): Promise<RecordRow[]> {
    return this.dataSource.query(
      `${this.select(true)} WHERE r.organization_id = $1 AND r.resource_type = 'patients' AND r.linked_patient_id = $2 ORDER BY r.linked_at, r.id`,
      [organizationId, rootId],
    );
  }

  private select(withRaw: boolean): string {
    return `SELECT r.id, r.integration_id, i.vendor, i.last_synced_at AS integration_last_synced_at, r.resource_type, r.external_id,
                   r.data, ${withRaw ? 'r.raw' : 'NULL AS raw'}, r.local_data, r.version, r.patient_id, r.source_updated_at,
                   r.deleted_at, r.linked_patient_id, r.link_reason, r.linked_at, r.created_at, r.updated_at
              FROM records r JOIN integrations i ON i.id = r.integration_id`;
  }
}
