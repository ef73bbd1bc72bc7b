/**
 * Rows of one integration and resource by external id (`$1` integration id, `$2` resource type,
 * `$3` text[] of external ids; the record is `r`): an index probe per key on
 * `uq_records_source`, provided the planner's statistics know the integration's size. During a
 * bulk load they do not, and the planner then reads all of the integration's rows for every
 * batch; the sync runner ANALYZEs as a load grows (see sync-runner.service.ts).
 */
export function byExternalIds(columns: string): string {
  return `SELECT ${columns} FROM records r WHERE r.integration_id = $1 AND r.resource_type = $2 AND r.external_id = ANY($3::text[])`;
}
