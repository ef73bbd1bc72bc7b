import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Freshness SLA: `integrations.freshness_sla_minutes` (null = none). An enabled integration whose
 * last successful sync (or, never synced, its creation) is older than this many minutes reports
 * `stale`. At most one year.
 */
export class FreshnessSla1795315240000 implements MigrationInterface {
  name = 'FreshnessSla1795315240000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE integrations ADD COLUMN freshness_sla_minutes integer');
    await q.query(`
      ALTER TABLE integrations ADD CONSTRAINT ck_integrations_freshness_sla_minutes
      CHECK (freshness_sla_minutes IS NULL OR freshness_sla_minutes BETWEEN 1 AND 525600)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE integrations DROP CONSTRAINT ck_integrations_freshness_sla_minutes');
    await q.query('ALTER TABLE integrations DROP COLUMN freshness_sla_minutes');
  }
}
