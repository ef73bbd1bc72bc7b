import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, Page, toPage } from '../../common/pagination';
import { normalizeSearchText } from '../../common/search-text';
import { ResourceType } from '../../providers/provider-adapter';
import type { LocalData } from './local-edits';

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
  /** The effective record: the source data with local edits laid over it (`records_effective_data`). */
  data: Record<string, unknown>;
  /** The source data as synced (detail reads only; null in lists). */
  source_data: Record<string, unknown> | null;
  raw: Record<string, unknown> | null;
  local_data: LocalData | null;
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

/** A record that belongs to a patient (coverage, appointment, document, balance), with its raw payload. */
export interface PatientOwnedRow {
  id: string;
  patient_id: string;
  resource_type: string;
  external_id: string;
  data: Record<string, unknown>;
  raw: Record<string, unknown> | null;
  deleted_at: Date | null;
}

/** A live record of a patient's integration: a provider, a location or one of the patient's appointments. */
export interface ContextRow {
  resource_type: string;
  external_id: string;
  data: Record<string, unknown>;
  starts_at: Date | null;
}

/**
 * Rows of one integration and resource by external id (`$1` integration id, `$2` resource type,
 * `$3` text[] of external ids; the record is `r`): an index probe per key on
 * `uq_records_source`, provided the planner's statistics know the integration's size. During a
 * bulk load they do not, and the planner then reads all of the integration's rows for every
 * batch; the sync runner ANALYZEs as a load grows (see sync-runner.service.ts). Used by the
 * records module's bulk writer and patient linker, which keep their own SQL on the hot path.
 */
export function byExternalIds(columns: string): string {
  return `SELECT ${columns} FROM records r WHERE r.integration_id = $1 AND r.resource_type = $2 AND r.external_id = ANY($3::text[])`;
}

/**
 * The one owner of reads on the `records` table (the bulk writer, record-writer.ts, and the
 * patient linker, patient-linker.ts, are this module's internals with SQL of their own).
 * Every method is scoped by organization: another organization's record is not found.
 */
@Injectable()
export class RecordsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page of a resource's records. Keyset on `(updated_at, id)` when `updatedSince` is given
   * (so a client can follow changes), otherwise on `id`. `raw` is null unless `withRaw`.
   * @throws CommonException BAD_REQUEST for a malformed cursor.
   */
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
      `${select(withRaw)} WHERE ${where.join(' AND ')}
       ORDER BY ${byUpdated ? 'r.updated_at, r.id' : 'r.id'} LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, q.limit, (r) => (byUpdated ? [new Date(r.updated_at).toISOString(), r.id] : [r.id]), (r) => r);
  }

  /** One record by our id, deleted ones included, with `raw`; null when it is not the organization's. */
  async findById(organizationId: string, resource: ResourceType, id: string): Promise<RecordRow | null> {
    const rows: RecordRow[] = await this.dataSource.query(
      `${select(true)} WHERE r.organization_id = $1 AND r.resource_type = $2 AND r.id = $3`, [organizationId, resource, id],
    );
    return rows[0] ?? null;
  }

  /** Patients linked to `rootId` (same organization), in link order, deleted ones included. */
  linkedTo(organizationId: string, rootId: string): Promise<RecordRow[]> {
    return this.dataSource.query(
      `${select(true)} WHERE r.organization_id = $1 AND r.resource_type = 'patients' AND r.linked_patient_id = $2 ORDER BY r.linked_at, r.id`,
      [organizationId, rootId],
    );
  }

  /**
   * Records owned by these patients, of these resource types: per patient and type the `perType`
   * latest by `starts_at` (undated last), deleted ones included, ordered by type then recency.
   */
  ownedByPatients(organizationId: string, patientIds: string[], resources: string[], perType: number): Promise<PatientOwnedRow[]> {
    return this.dataSource.query(
      `SELECT id, patient_id, resource_type, external_id, ${effectiveData('x')} AS data, raw, deleted_at FROM (
         SELECT r.*, row_number() OVER (PARTITION BY r.patient_id, r.resource_type ORDER BY r.starts_at DESC NULLS LAST, r.id) AS n
           FROM records r
          WHERE r.organization_id = $1 AND r.patient_id = ANY($2::uuid[]) AND r.resource_type = ANY($3::text[])) x
        WHERE x.n <= $4 ORDER BY x.resource_type, x.n`,
      [organizationId, patientIds, resources, perType],
    );
  }

  /** The live providers and locations of an integration, and the patient's live appointments there. */
  patientContext(organizationId: string, integrationId: string, patientId: string): Promise<ContextRow[]> {
    return this.dataSource.query(
      `SELECT r.resource_type, r.external_id, ${effectiveData()} AS data, r.starts_at FROM records r
        WHERE organization_id = $1 AND integration_id = $2 AND deleted_at IS NULL
          AND (resource_type IN ('providers', 'locations') OR (resource_type = 'appointments' AND patient_id = $3))`,
      [organizationId, integrationId, patientId],
    );
  }
}

/**
 * The record as served: source `data` with local edits laid over it (SQL function of migration
 * RecordLocalEdits), of the records row `alias`. The CASE keeps rows without edits off the
 * function call (a non-inlined SQL function costs ~5 µs a row: a second per 200,000 rows sorted).
 */
export function effectiveData(alias = 'r'): string {
  return `CASE WHEN ${alias}.local_data IS NULL THEN ${alias}.data ELSE records_effective_data(${alias}.data, ${alias}.local_data) END`;
}

function select(withRaw: boolean): string {
  return `SELECT r.id, r.integration_id, i.vendor, i.last_synced_at AS integration_last_synced_at, r.resource_type, r.external_id,
                 ${effectiveData()} AS data, ${withRaw ? 'r.data AS source_data, r.raw' : 'NULL AS source_data, NULL AS raw'}, r.local_data, r.version, r.patient_id, r.source_updated_at,
                 r.deleted_at, r.linked_patient_id, r.link_reason, r.linked_at, r.created_at, r.updated_at
            FROM records r JOIN integrations i ON i.id = r.integration_id`;
}
