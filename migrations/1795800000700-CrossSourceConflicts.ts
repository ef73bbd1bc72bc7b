import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cross-source conflicts (docs/conflicts.md "Cross-source conflicts"): two linked records of one
 * person from different integrations disagree on a canonical patient field.
 * - `person_id`: the person (SET NULL when the person is merged away or emptied; the conflict is
 *   closed before that). At most one open `cross_source` conflict per person and field.
 * - `sources`: each linked source's value and time, `[{ recordId, integrationId, value, at }]`.
 * - `winning_integration_id`: the source a resolution chose (the golden record follows it).
 */
export class CrossSourceConflicts1795800000700 implements MigrationInterface {
  name = 'CrossSourceConflicts1795800000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE conflicts
      ADD COLUMN person_id uuid REFERENCES persons(id) ON DELETE SET NULL,
      ADD COLUMN sources jsonb,
      ADD COLUMN winning_integration_id uuid REFERENCES integrations(id) ON DELETE SET NULL`);
    await q.query(`CREATE UNIQUE INDEX uq_conflicts_open_person_field ON conflicts (person_id, field) WHERE status = 'open' AND kind = 'cross_source'`);
    await q.query(`CREATE INDEX ix_conflicts_person ON conflicts (person_id, field, updated_at DESC) WHERE kind = 'cross_source'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_conflicts_person');
    await q.query('DROP INDEX uq_conflicts_open_person_field');
    await q.query('ALTER TABLE conflicts DROP COLUMN winning_integration_id, DROP COLUMN sources, DROP COLUMN person_id');
  }
}
