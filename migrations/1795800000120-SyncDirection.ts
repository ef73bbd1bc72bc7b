import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sync jobs take a `direction` (docs/conflicts.md, "Two-way sync"): `inbound` (the default,
 * what every job did before), `outbound` (push local edits to the vendor only) or
 * `bidirectional` (read, then push). `outbound` holds the push's counts (records, written,
 * refused, skipped, done); null for an inbound job.
 */
export class SyncDirection1795800000120 implements MigrationInterface {
  name = 'SyncDirection1795800000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_jobs ADD COLUMN direction varchar(20) NOT NULL DEFAULT 'inbound'
      CHECK (direction IN ('inbound', 'outbound', 'bidirectional'))`);
    await q.query('ALTER TABLE sync_jobs ADD COLUMN outbound jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sync_jobs DROP COLUMN outbound');
    await q.query('ALTER TABLE sync_jobs DROP COLUMN direction');
  }
}
