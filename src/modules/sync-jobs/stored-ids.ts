import type { Pool } from 'pg';
import type { ResourceType } from '../../providers/provider-adapter';

/** Ids per page of {@link storedExternalIds}. */
const PAGE = 1000;

/**
 * External ids of an integration's live records of one resource, ascending by external id, in
 * pages of 1,000 after `after` (exclusive): a keyset over the records' unique
 * (integration_id, resource_type, external_id) key. The sync engine hands this to adapters as
 * `AdapterContext.storedExternalIds` (per-patient fan-out of FHIR servers).
 */
export async function* storedExternalIds(pool: Pool, integrationId: string, resource: ResourceType, after: string | null): AsyncGenerator<string[]> {
  let cursor = after;
  for (;;) {
    const res = await pool.query<{ external_id: string }>(
      `SELECT external_id FROM records
        WHERE integration_id = $1 AND resource_type = $2 AND deleted_at IS NULL AND ($3::text IS NULL OR external_id > $3)
        ORDER BY external_id LIMIT ${PAGE}`,
      [integrationId, resource, cursor],
    );
    if (!res.rows.length) return;
    const ids = res.rows.map((r) => r.external_id);
    yield ids;
    if (ids.length < PAGE) return;
    cursor = ids[ids.length - 1];
  }
}
