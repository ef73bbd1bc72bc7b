import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deletes by reconciliation (docs/sync-jobs.md): `sync_states.last_full_pass_at` is when a resource's
 * last complete full pass ended, so an incremental schedule can run the periodic full pass that
 * finds hard deletes; `integrations.reconcile_interval_hours` is that period per integration
 * (null = the default of 24 hours). Existing states count their last update as their last full pass,
 * so upgrading does not start a full pass of every integration at once.
 */
export class FullPassReconciliation1795800000500 implements MigrationInterface {
  name = 'FullPassReconciliation1795800000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sync_states ADD COLUMN IF NOT EXISTS last_full_pass_at timestamptz');
    await q.query('UPDATE sync_states SET last_full_pass_at = updated_at WHERE last_full_pass_at IS NULL');
    await q.query('ALTER TABLE integrations ADD COLUMN IF NOT EXISTS reconcile_interval_hours integer');
    await q.query(`ALTER TABLE integrations ADD CONSTRAINT ck_integrations_reconcile_interval
      CHECK (reconcile_interval_hours IS NULL OR reconcile_interval_hours BETWEEN 1 AND 8760)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE integrations DROP CONSTRAINT IF EXISTS ck_integrations_reconcile_interval');
    await q.query('ALTER TABLE integrations DROP COLUMN IF EXISTS reconcile_interval_hours');
    await q.query('ALTER TABLE sync_states DROP COLUMN IF EXISTS last_full_pass_at');
  }
}
