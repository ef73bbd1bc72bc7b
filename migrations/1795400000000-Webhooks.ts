import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound webhooks. `webhook_endpoints`: one configuration per integration, its scheme and its
 * secrets (AES-256-GCM ciphertexts; the previous secret stays valid until
 * `previous_secret_expires_at` after a rotation). `webhook_deliveries`: every accepted delivery,
 * payload encrypted (PHI), unique on (integration, delivery id) so a replay is acknowledged and
 * has no second effect.
 */
export class Webhooks1795400000000 implements MigrationInterface {
  name = 'Webhooks1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        events text[] NOT NULL DEFAULT '{}',
        signature_algorithm varchar(40) NOT NULL,
        signature_header varchar(100),
        delivery_id_header varchar(100),
        secret_ciphertext bytea,
        previous_secret_ciphertext bytea,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_webhook_endpoints_integration UNIQUE (integration_id)
      )`);
    await q.query('CREATE INDEX ix_webhook_endpoints_org ON webhook_endpoints (organization_id, created_at)');
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        delivery_id varchar(255) NOT NULL,
        status varchar(20) NOT NULL DEFAULT 'pending',
        payload_ciphertext bytea NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        changed_count integer,
        error_code varchar(60),
        error_message varchar(500),
        received_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'processing', 'succeeded', 'failed')),
        CONSTRAINT uq_webhook_deliveries_delivery UNIQUE (integration_id, delivery_id)
      )`);
    await q.query('CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, received_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS webhook_deliveries');
    await q.query('DROP TABLE IF EXISTS webhook_endpoints');
  }
}
