import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deletes by reconciliation in two steps (docs/sync-jobs.md): a complete full pass only names the
 * live records it did not see (`sync_states.tombstone_candidates`); the next pass that runs from
 * start to end in one go tombstones those it does not see either. A row changed while the full
 * pass read it (a read bounded by `DateTStamp < NOW()` leaves it to the next run) is seen by that
 * next pass instead of being tombstoned. `pass_open` is true while a pass is between batches, so a
 * resumed pass never confirms (it did not see the part read before the interruption).
 */
export class DeletionCandidates1795800000510 implements MigrationInterface {
  name = 'DeletionCandidates1795800000510';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_states ADD COLUMN IF NOT EXISTS tombstone_candidates text[] NOT NULL DEFAULT '{}'`);
    await q.query('ALTER TABLE sync_states ADD COLUMN IF NOT EXISTS pass_open boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sync_states DROP COLUMN IF EXISTS pass_open');
    await q.query('ALTER TABLE sync_states DROP COLUMN IF EXISTS tombstone_candidates');
  }
}
