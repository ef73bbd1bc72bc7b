import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `webhook_endpoints.vendor_registration`: for vendors that register webhook endpoints through
 * their API (NexHealth `webhook_endpoints` and `webhook_subscriptions`), the vendor's ids of what
 * we registered, so deleting the configuration also removes it at the vendor. Null = nothing registered.
 */
export class WebhookVendorRegistration1795500000001 implements MigrationInterface {
  name = 'WebhookVendorRegistration1795500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_endpoints ADD COLUMN vendor_registration jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_endpoints DROP COLUMN vendor_registration');
  }
}
