import type { PoolClient } from 'pg';

/**
 * Three-way conflict detection inside a sync's bulk write (docs/conflicts.md), set-based over
 * the batch: run by the record writer after it has COPYed the batch's changed rows into
 * `records_stage` and before its merge overwrites `data`. One INSERT finds, among the batch's
 * changed records that have local edits, every edited field whose new source value differs
 * from the edit's base, from the local value, and from the stored source value (so a re-sync of
 * the same value raises nothing twice), and records it as an open `three_way` conflict with the
 * base, local and remote values and times. `strategy` is left NULL: the `conflict-resolution`
 * queue applies the organization's policy. An open conflict of the same record and field gets
 * the newer remote value (and is decided again).
 *
 * The remote time is the source's change stamp when it carries its zone, else the time of the
 * sync. `$1` integration id, `$2` resource type. Returns the number of conflicts raised or updated.
 */
export async function detectStagedConflicts(client: PoolClient, integrationId: string, resource: string): Promise<number> {
  const res = await client.query(
    `INSERT INTO conflicts (organization_id, record_id, integration_id, resource_type, field, kind,
                            base_value, base_at, local_value, local_at, remote_value, remote_at)
     SELECT r.organization_id, r.id, r.integration_id, r.resource_type, e.key, 'three_way',
            e.value -> 'base', (e.value ->> 'baseAt')::timestamptz, e.value -> 'value', (e.value ->> 'editedAt')::timestamptz,
            COALESCE(s.data -> e.key, 'null'::jsonb), COALESCE(conflict_source_instant(s.source_updated_at), now())
       FROM records_stage s
       JOIN records r ON r.integration_id = $1 AND r.resource_type = $2 AND r.external_id = s.external_id
       CROSS JOIN LATERAL jsonb_each(r.local_data) e
      WHERE r.local_data IS NOT NULL
        AND r.content_hash IS DISTINCT FROM s.content_hash
        AND COALESCE(s.data -> e.key, 'null'::jsonb) IS DISTINCT FROM COALESCE(r.data -> e.key, 'null'::jsonb)
        AND COALESCE(s.data -> e.key, 'null'::jsonb) IS DISTINCT FROM COALESCE(e.value -> 'base', 'null'::jsonb)
        AND COALESCE(s.data -> e.key, 'null'::jsonb) IS DISTINCT FROM COALESCE(e.value -> 'value', 'null'::jsonb)
     ON CONFLICT (record_id, field, kind) WHERE status = 'open'
     DO UPDATE SET remote_value = EXCLUDED.remote_value, remote_at = EXCLUDED.remote_at, strategy = NULL, updated_at = now()`,
    [integrationId, resource],
  );
  return res.rowCount ?? 0;
}

/** Anything that runs a query: a pg client or a TypeORM EntityManager. */
interface Queryable {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * A new local edit of fields that have open three-way conflicts: those conflicts show the new
 * local value and time (the edit's new base is the source value they were raised for, so the
 * next sync raises nothing new; a person or a strategy still settles them). Run in the edit's
 * transaction.
 */
export async function noteLocalEdit(db: Queryable, recordId: string, fields: Record<string, unknown>): Promise<void> {
  await db.query(
    `UPDATE conflicts c SET local_value = $2::jsonb -> c.field, local_at = now(), updated_at = now()
      WHERE c.record_id = $1 AND c.status = 'open' AND c.kind = 'three_way' AND $2::jsonb ? c.field`,
    [recordId, JSON.stringify(fields)],
  );
}
