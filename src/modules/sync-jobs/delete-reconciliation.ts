import { PoolClient } from 'pg';
import { ReadBatch, ResourceType, VendorCapabilities } from '../../providers/provider-adapter';
import { recheckAfterDeletes } from '../conflicts/cross-source-detection';

/** How long an integration goes between full passes of its incremental resources, when it names no interval of its own. */
export const DEFAULT_RECONCILE_INTERVAL_HOURS = 24;

/** Which kind of pass a job made over one resource (shown in its progress). */
export type PassKind = 'full' | 'incremental' | 'reconciliation';

/**
 * Whether an incremental job must make the periodic full pass of `resource` instead: the adapter
 * lists the resource in `reconcileDeletes` or `periodicFullPass`, and its last full pass ended more
 * than `intervalHours` ago, or none was ever recorded (a state saved before its first pass ended).
 */
export function reconciliationDue(capabilities: VendorCapabilities, resource: ResourceType, lastFullPassAt: Date | null | undefined, intervalHours: number | null, now = Date.now()): boolean {
  if (!capabilities.reconcileDeletes?.includes(resource) && !capabilities.periodicFullPass?.includes(resource)) return false;
  if (!lastFullPassAt) return true;
  return now - lastFullPassAt.getTime() >= (intervalHours ?? DEFAULT_RECONCILE_INTERVAL_HOURS) * 3_600_000;
}

/**
 * The external ids one full pass saw, stored or not: records, and rows skipped or failed (they
 * still exist at the source, so their stored copy must not be tombstoned). Ids the source
 * reported deleted are not "seen". About 60 bytes an id: 12 MB for 200,000 records.
 */
export class PassSightings {
  private readonly ids = new Set<string>();

  add(batch: Pick<ReadBatch, 'records' | 'skipped' | 'failed'>): void {
    for (const r of batch.records) this.ids.add(r.externalId);
    for (const issue of [...batch.skipped, ...batch.failed]) if (issue.externalId) this.ids.add(issue.externalId);
  }

  get size(): number {
    return this.ids.size;
  }

  list(): string[] {
    return [...this.ids];
  }
}

/**
 * Tombstones the live records of `resource` that a complete full pass did not see, in one
 * statement (an anti-join against the pass's ids, hashed by the planner; about 0.3 s for 200,000).
 * Deleted rows keep their data and get `deleted_at` and a new version, as a source-reported
 * delete does. A pass that saw nothing at all tombstones nothing: an empty answer is far likelier
 * a vendor fault (a wrong filter, an outage answered with `[]`) than an office that deleted
 * everything, and the next pass that sees rows reconciles normally.
 * Tombstoned patients leave their persons' cross-source comparison (docs/conflicts.md).
 * @returns the number of records tombstoned.
 */
export async function tombstoneUnseen(client: PoolClient, integrationId: string, resource: ResourceType, seen: PassSightings): Promise<number> {
  if (seen.size === 0) return 0;
  const res = await client.query<{ external_id: string }>(
    `UPDATE records r SET deleted_at = now(), version = r.version + 1, updated_at = now()
      WHERE r.integration_id = $1 AND r.resource_type = $2 AND r.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS s(external_id) WHERE s.external_id = r.external_id)
      RETURNING r.external_id`,
    [integrationId, resource, seen.list()],
  );
  if (resource === 'patients' && res.rows.length) await recheckAfterDeletes(client, integrationId, res.rows.map((r) => r.external_id));
  return res.rowCount ?? 0;
}
