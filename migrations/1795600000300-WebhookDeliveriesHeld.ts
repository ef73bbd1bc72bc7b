import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook deliveries for a disabled integration are stored and `held`, then processed when it is
 * enabled again (docs/webhooks.md). The partial index finds them at once on enable.
 */
export class WebhookDeliveriesHeld1795600000300 implements MigrationInterface {
  name = 'WebhookDeliveriesHeld1795600000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_deliveries DROP CONSTRAINT ck_webhook_deliveries_status');
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT ck_webhook_deliveries_status
      CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'held'))`);
    await q.query(`CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_held ON webhook_deliveries (integration_id) WHERE status = 'held'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS ix_webhook_deliveries_held');
    await q.query(`UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'held'`);
    await q.query('ALTER TABLE webhook_deliveries DROP CONSTRAINT ck_webhook_deliveries_status');
    await q.query(`ALTER TABLE webhook_deliveries ADD CONSTRAINT ck_webhook_deliveries_status
      CHECK (status IN ('pending', 'processing', 'succeeded', 'failed'))`);
  }
}
