/**
 * Rows of one integration and resource by external id, one index probe per key:
 * `FROM unnest($3) k CROSS JOIN LATERAL (… external_id = k.id)`. A plain `external_id = ANY($3)`
 * lets the planner, whose statistics lag behind a bulk load, probe only the
 * (integration_id, resource_type) prefix and filter every row of the integration: measured at
 * 0.9 s per 2,000-key batch on 200k patients, so a sync grew with the square of its size.
 * `$1` integration id, `$2` resource type, `$3` text[] of external ids; `r` is the record.
 */
export function byExternalIds(columns: string): string {
  return `SELECT ${columns} FROM unnest($3::text[]) AS k(id)
    CROSS JOIN LATERAL (SELECT * FROM records WHERE integration_id = $1 AND resource_type = $2 AND external_id = k.id) AS r`;
}
