import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public halves of the client keys the hub generated for an integration (SMART Backend Services
 * with a JWKS URL, docs/vendors/fhir-r4.md "Hub-generated keys"). The private half is a
 * credential (encrypted in `integrations.credentials_ciphertext`), never here. `retire_at`: null
 * for the key in use; after a rotation the previous key stays in the JWKS until then.
 */
export class IntegrationClientKeys1795800000300 implements MigrationInterface {
  name = 'IntegrationClientKeys1795800000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE integration_client_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      kid text NOT NULL,
      public_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retire_at timestamptz,
      CONSTRAINT uq_integration_client_keys_kid UNIQUE (integration_id, kid)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE integration_client_keys');
  }
}
