import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credentials in an external secrets manager: `integrations.credentials_secret_id` holds the
 * AWS Secrets Manager secret name or ARN when `credentials_provider = 'aws-secrets-manager'`.
 * The checks keep the two forms apart: a `local` row has no secret reference, an external row
 * has one and no ciphertext.
 */
export class IntegrationSecretRef1795315232773 implements MigrationInterface {
  name = 'IntegrationSecretRef1795315232773';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE integrations ADD COLUMN credentials_secret_id varchar(2048)');
    await q.query(`
      ALTER TABLE integrations ADD CONSTRAINT ck_integrations_credentials_provider
      CHECK (credentials_provider IN ('local', 'aws-secrets-manager'))`);
    await q.query(`
      ALTER TABLE integrations ADD CONSTRAINT ck_integrations_credentials_source CHECK (
        (credentials_provider = 'local' AND credentials_secret_id IS NULL)
        OR (credentials_provider <> 'local' AND credentials_secret_id IS NOT NULL AND credentials_ciphertext IS NULL)
      )`);
  }

  /** Refuses while an integration uses an external provider: dropping the column would lose its only credentials reference. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM integrations WHERE credentials_provider <> 'local') THEN
          RAISE EXCEPTION 'integrations use an external credentials provider: switch them to local credentials before reverting';
        END IF;
      END $$`);
    await q.query('ALTER TABLE integrations DROP CONSTRAINT ck_integrations_credentials_source');
    await q.query('ALTER TABLE integrations DROP CONSTRAINT ck_integrations_credentials_provider');
    await q.query('ALTER TABLE integrations DROP COLUMN credentials_secret_id');
  }
}
