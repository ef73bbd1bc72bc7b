import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write-back actions (book, confirm, cancel, reschedule appointments; create patients) with
 * their idempotency key: the unique index makes the first request with a key the only one that
 * runs; later ones with the same key and body get its result, a different body gets 409.
 */
export class Actions1763791200000 implements MigrationInterface {
  name = 'Actions1763791200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        type varchar(40) NOT NULL,
        idempotency_key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        mode varchar(10) NOT NULL DEFAULT 'sync',
        status varchar(20) NOT NULL DEFAULT 'pending',
        payload_ciphertext bytea NOT NULL,
        result jsonb,
        error_code varchar(60),
        error_message varchar(500),
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT ck_actions_status CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
        CONSTRAINT uq_actions_idempotency UNIQUE (organization_id, integration_id, idempotency_key)
      )`);
    await q.query('CREATE INDEX ix_actions_org_created ON actions (organization_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS actions');
  }
}
