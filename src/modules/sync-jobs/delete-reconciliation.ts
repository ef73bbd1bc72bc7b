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
 * The external ids one pass saw, stored or not: records, and rows skipped or failed (they
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

  /** The ids of `candidates` this pass did not see. */
  unseen(candidates: string[]): string[] {
    return candidates.filter((id) => !this.ids.has(id));
  }
}

/** Most candidates a full pass may name: more unseen records than this is far likelier a vendor fault than deletions, and names none. */
export const MAX_TOMBSTONE_CANDIDATES = 10_000;

/** What reconciling one pass did. */
export interface PassReconciliation {
  /** Candidates of the last full pass this pass did not see either: tombstoned now. */
  tombstoned: number;
  /** The live records this (complete, full) pass did not see: the next whole pass confirms them. Null: keep the stored ones. */
  candidates: string[] | null;
}

/**
 * Deletes by reconciliation in two steps, both set-based (docs/sync-jobs.md):
 * 1. confirm: when this pass ran from its start to its end in one run (`whole`), the candidates
 *    the last full pass named that this pass did not see either are tombstoned (one UPDATE), and
 *    the rest are cleared: a row changed while the full pass read it (OpenDental reads stop at
 *    `DateTStamp < NOW()`) is read by this pass instead;
 * 2. name: when this pass is a full pass from no checkpoint, the live records it did not see become
 *    the new candidates (one anti-join; none when it saw nothing at all or more than
 *    {@link MAX_TOMBSTONE_CANDIDATES} would be named: a vendor fault, not an office that deleted everything).
 * A resumed pass (`whole` false) confirms nothing and keeps the stored candidates. Deleted rows keep
 * their data and get `deleted_at` and a new version, as a source-reported delete does.
 */
export async function reconcilePass(
  client: PoolClient, integrationId: string, resource: ResourceType, seen: PassSightings,
  pass: { whole: boolean; fullFromStart: boolean; candidates: string[] },
): Promise<PassReconciliation> {
  let tombstoned = 0;
  if (pass.whole && pass.candidates.length) {
    const unseen = seen.unseen(pass.candidates);
    if (unseen.length) {
      const res = await client.query<{ external_id: string }>(
        `UPDATE records SET deleted_at = now(), version = version + 1, updated_at = now()
          WHERE integration_id = $1 AND resource_type = $2 AND deleted_at IS NULL AND external_id = ANY($3::text[])
          RETURNING external_id`,
        [integrationId, resource, unseen],
      );
      tombstoned = res.rowCount ?? 0;
      // Tombstoned patients leave their persons' cross-source comparison (docs/conflicts.md).
      if (resource === 'patients' && res.rows.length) await recheckAfterDeletes(client, integrationId, res.rows.map((r) => r.external_id));
    }
  }
  if (!pass.fullFromStart) return { tombstoned, candidates: pass.whole ? [] : null };
  if (seen.size === 0) return { tombstoned, candidates: [] };
  const res = await client.query<{ external_id: string }>(
    `SELECT r.external_id FROM records r
      WHERE r.integration_id = $1 AND r.resource_type = $2 AND r.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS s(external_id) WHERE s.external_id = r.external_id)
      LIMIT ${MAX_TOMBSTONE_CANDIDATES + 1}`,
    [integrationId, resource, seen.list()],
  );
  const named = res.rows.map((r) => r.external_id);
  return { tombstoned, candidates: named.length > MAX_TOMBSTONE_CANDIDATES ? [] : named };
}
