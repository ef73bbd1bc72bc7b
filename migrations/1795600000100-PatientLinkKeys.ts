import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patient linking on typed identifiers (docs/canonical-model.md):
 * - `records.link_keys text[]`: a patient's linkable identifiers as `system|value` (systems that
 *   pass `isLinkableSystem`, e.g. `urn:ehr-sync-hub:pms:opendental:patient|42`), written by the
 *   record writer; null for other resources and for patients without one.
 * - a GIN index on it for patients, so a batch's keys are looked up with one `&&` probe.
 * - the expression index on `data->>'foreignId'` goes: canonical records no longer carry that field.
 * Records stored before this change get their keys from the re-derive step (`npm run records:rederive`).
 */
export class PatientLinkKeys1795600000100 implements MigrationInterface {
  name = 'PatientLinkKeys1795600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE records ADD COLUMN link_keys text[]`);
    await q.query(`CREATE INDEX ix_records_patient_link_keys ON records USING gin (link_keys) WHERE resource_type = 'patients' AND link_keys IS NOT NULL`);
    await q.query('DROP INDEX IF EXISTS ix_records_patient_foreign_id');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_records_patient_foreign_id ON records (organization_id, (data->>'foreignId')) WHERE resource_type = 'patients' AND data ? 'foreignId'`);
    await q.query('DROP INDEX IF EXISTS ix_records_patient_link_keys');
    await q.query('ALTER TABLE records DROP COLUMN link_keys');
  }
}
