import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Count reconciliation (docs/sync-jobs.md): the last full sync whose source counts disagreed with
 * the store, kept on the integration (`{ syncJobId, at, message, resources: [{ resource, sourceCount, stored }] }`)
 * while its health is `degraded`; cleared by the next full sync whose counts agree. A connection
 * test or an incremental sync leaves it, so neither hides a disagreement they cannot judge.
 */
export class IntegrationCountMismatch1795800000400 implements MigrationInterface {
  name = 'IntegrationCountMismatch1795800000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE integrations ADD COLUMN IF NOT EXISTS count_mismatch jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE integrations SET health_status = 'healthy' WHERE health_status = 'degraded'`);
    await q.query('ALTER TABLE integrations DROP COLUMN IF EXISTS count_mismatch');
  }
}
