import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FhirException, FhirExceptionCode } from './fhir.exception';
import { FhirType, SERVED_TYPES } from './fhir-resource-types';
import { CONVERTERS } from './converters';
import { ConvertContext, LinkIds, linkKey, StoredRecord } from './converters/context';
import { FhirObject } from './converters/datatypes';
import { decodeSearchCursor, encodeSearchCursor } from './search/cursor';
import { buildSearch } from './search/search-query';
import { isUuid } from './search/values';
import { effectiveData } from '../records/records.repository';

/** One search page: resources in id order and the cursor of the next page (null on the last). */
export interface FhirPage {
  resources: FhirObject[];
  nextCursor: string | null;
}

const COLUMNS = `r.id, r.integration_id, r.resource_type, r.external_id, ${effectiveData()} AS data, r.version, r.patient_id, r.updated_at, r.deleted_at`;

/**
 * Reads FHIR resources from `records`, always within the caller's organization. Searches page
 * by keyset (never OFFSET: a cursor stays valid while records change, and a deep page costs what
 * the first does) on `records.id`, or on (key, id) of a driving index (`SearchOrder`), skip
 * deleted records, and use the indexes of migration 1795600000200-FhirSearchIndexes. Links between records are resolved per page in one query.
 */
@Injectable()
export class FhirStoreService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One resource by our record id.
   * @throws FhirException 404 for an unknown id or another organization's, 410 for a deleted record.
   */
  async read(organizationId: string, type: FhirType, id: string): Promise<FhirObject> {
    const notFound = new FhirException(FhirExceptionCode.NOT_FOUND, `${type}/${id} is not known`);
    if (!isUuid(id)) throw notFound;
    const rows: StoredRecord[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM records r WHERE r.organization_id = $1 AND r.resource_type = $2 AND r.id = $3`,
      [organizationId, SERVED_TYPES[type], id.toLowerCase()],
    );
    if (!rows.length) throw notFound;
    if (rows[0].deleted_at) throw new FhirException(FhirExceptionCode.GONE, `${type}/${id} has been deleted`);
    return (await this.convert(type, rows))[0];
  }

  /**
   * A page of a search (see {@link buildSearch} for the parameters).
   * @throws FhirException 400 for a bad parameter or cursor.
   */
  async search(organizationId: string, type: FhirType, query: URLSearchParams, lenient: boolean): Promise<FhirPage> {
    const q = await buildSearch(type, query, lenient, (resource, ids) => this.sourceKeys(organizationId, resource, ids));
    q.params[0] = organizationId;
    const { key, tag, fence } = q.order;
    // A timestamp key travels as text in the cursor and is compared as timestamptz.
    const keyParam = key === 'r.starts_at' ? '::timestamptz' : '::text COLLATE "C"';
    if (q.cursor) {
      const after = decodeSearchCursor(q.cursor, tag, key !== null);
      if (key === null) {
        q.params.push(after.id);
        q.where.push(`r.id > $${q.params.length}::uuid`);
      } else {
        q.params.push(after.key, after.id);
        q.where.push(`(${key}, r.id) > ($${q.params.length - 1}${keyParam}, $${q.params.length}::uuid)`);
      }
    }
    q.params.push(q.count + 1);
    const filter = `r.organization_id = $1 AND r.resource_type = '${SERVED_TYPES[type]}' AND r.deleted_at IS NULL${q.where.map((w) => ` AND ${w}`).join('')}`;
    const orderBy = key === null ? 'r.id' : `${key}, r.id`;
    const keyColumn = key === null ? 'NULL::text' : key === 'r.starts_at' ? `to_json(r.starts_at) #>> '{}'` : key;
    // fence: match through the (GIN) index first, then order the matches; otherwise walk the order's index.
    const sql = fence
      ? `WITH hits AS MATERIALIZED (SELECT r.id FROM records r WHERE ${filter}),
              page AS MATERIALIZED (SELECT id FROM hits ORDER BY id LIMIT $${q.params.length})
         SELECT ${COLUMNS}, ${keyColumn} AS page_key FROM records r JOIN page p ON p.id = r.id ORDER BY ${orderBy}`
      : `SELECT ${COLUMNS}, ${keyColumn} AS page_key FROM records r WHERE ${filter} ORDER BY ${orderBy} LIMIT $${q.params.length}`;
    const rows: Array<StoredRecord & { page_key: string | null }> = await this.dataSource.query(sql, q.params);
    const more = rows.length > q.count;
    const kept = more ? rows.slice(0, q.count) : rows;
    const last = kept[kept.length - 1];
    return {
      resources: await this.convert(type, kept),
      nextCursor: more ? encodeSearchCursor({ tag, key: key === null ? null : String(last.page_key), id: last.id }) : null,
    };
  }

  /** (integration, external id) of records of the organization, for participant searches. */
  private async sourceKeys(organizationId: string, resource: string, ids: string[]): Promise<Array<{ integrationId: string; externalId: string }>> {
    const rows: Array<{ integration_id: string; external_id: string }> = await this.dataSource.query(
      `SELECT integration_id, external_id FROM records WHERE organization_id = $1 AND resource_type = $2 AND id = ANY($3::uuid[]) AND deleted_at IS NULL`,
      [organizationId, resource, ids],
    );
    return rows.map((r) => ({ integrationId: r.integration_id, externalId: r.external_id }));
  }

  /** Converts a page, resolving every link of its records to our ids in one query (unique index uq_records_source). */
  private async convert(type: FhirType, rows: StoredRecord[]): Promise<FhirObject[]> {
    const converter = CONVERTERS[type];
    const wanted = new Map<string, { integrationId: string; resource: string; externalId: string }>();
    for (const row of rows) {
      for (const link of converter.links((row.data ?? {}) as never)) {
        wanted.set(linkKey(row.integration_id, link.resource, link.externalId), { integrationId: row.integration_id, resource: link.resource, externalId: link.externalId });
      }
    }
    const ids: LinkIds = new Map();
    if (wanted.size) {
      const keys = [...wanted.values()];
      const found: Array<{ integration_id: string; resource_type: string; external_id: string; id: string }> = await this.dataSource.query(
        `SELECT r.integration_id, r.resource_type, r.external_id, r.id
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k(integration_id, resource_type, external_id)
           JOIN records r ON r.integration_id = k.integration_id AND r.resource_type = k.resource_type AND r.external_id = k.external_id
          WHERE r.deleted_at IS NULL`,
        [keys.map((k) => k.integrationId), keys.map((k) => k.resource), keys.map((k) => k.externalId)],
      );
      for (const f of found) ids.set(`${f.integration_id}|${f.resource_type}|${f.external_id}`, f.id);
    }
    return rows.map((row) => converter.toFhir((row.data ?? {}) as never, new ConvertContext(row, ids)));
  }
}
