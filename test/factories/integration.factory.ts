import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Inserts an integration row into the real `integrations` table (no credentials, nothing to
 * sync: for specs that only read stored records). Returns its id.
 */
export async function buildIntegration(db: DataSource, organizationId: string, vendor = 'opendental-db', name = 'Test source'): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO integrations (id, organization_id, vendor, name, environment) VALUES ($1, $2, $3, $4, 'sandbox')`, [id, organizationId, vendor, name]);
  return id;
}
