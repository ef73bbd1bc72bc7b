import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patient links across sources (the first step of the identity crosswalk):
 * - `records.match_key`: normalised `first|last|birthDate` of a patient (accents, case and
 *   punctuation removed), null when any part is missing; indexed per organization.
 * - `records.linked_patient_id`, `link_reason` (`external_id` | `name_birthdate`), `linked_at`:
 *   a patient from a later source points at the patient it was matched to (a root: a record that
 *   is not itself linked). Removing the target unlinks (SET NULL).
 * - an index on `data->>'foreignId'` for patients that carry the EHR's id (NexHealth `foreign_id`).
 */
export class PatientLinks1795500000000 implements MigrationInterface {
  name = 'PatientLinks1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE records
        ADD COLUMN match_key text,
        ADD COLUMN linked_patient_id uuid REFERENCES records(id) ON DELETE SET NULL,
        ADD COLUMN link_reason varchar(40),
        ADD COLUMN linked_at timestamptz,
        ADD CONSTRAINT ck_records_link_reason CHECK (link_reason IS NULL OR link_reason IN ('external_id', 'name_birthdate'))`);
    await q.query(`CREATE INDEX ix_records_patient_match ON records (organization_id, match_key) WHERE resource_type = 'patients' AND match_key IS NOT NULL`);
    await q.query(`CREATE INDEX ix_records_patient_foreign_id ON records (organization_id, (data->>'foreignId')) WHERE resource_type = 'patients' AND data ? 'foreignId'`);
    await q.query(`CREATE INDEX ix_records_linked_patient ON records (linked_patient_id) WHERE linked_patient_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS ix_records_linked_patient');
    await q.query('DROP INDEX IF EXISTS ix_records_patient_foreign_id');
    await q.query('DROP INDEX IF EXISTS ix_records_patient_match');
    await q.query(`ALTER TABLE records DROP CONSTRAINT ck_records_link_reason,
      DROP COLUMN linked_at, DROP COLUMN link_reason, DROP COLUMN linked_patient_id, DROP COLUMN match_key`);
  }
}
