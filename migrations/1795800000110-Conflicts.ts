import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conflicts between local edits and sources (docs/conflicts.md).
 * - `conflicts`: one row per record and field. `three_way`: a sync brought a source value that
 *   differs from both the local edit and the base the edit started from; `cross_source`: two
 *   linked sources of one person disagree. Base, local and remote values with their times;
 *   `strategy` NULL = waiting for the `conflict-resolution` queue, else the policy strategy that
 *   handled it; `resolution` what was applied. At most one open conflict per record and field
 *   (a later sync updates its remote value). Resolved and ignored rows are kept. `write_back`:
 *   the last attempt to write the kept value back to the vendor (status, action id, error code).
 * - `conflict_policies`: per organization, the ordered rules (`rules` jsonb).
 * - `ix_records_local_edits`: the records with local edits, where a sync's detection starts.
 * - `conflict_source_instant(text)`: a source change stamp as an instant when it carries its zone
 *   (ISO 8601 with Z or an offset), else NULL; never raises. PARALLEL UNSAFE: its EXCEPTION block
 *   is a subtransaction, which a parallel plan refuses (SQLSTATE 25000, "cannot start subtransactions
 *   during a parallel operation": a 50k-patient second source failed its sync on it).
 */
export class Conflicts1795800000110 implements MigrationInterface {
  name = 'Conflicts1795800000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE conflicts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      record_id uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      resource_type text NOT NULL,
      field text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('three_way', 'cross_source')),
      base_value jsonb,
      base_at timestamptz,
      local_value jsonb,
      local_at timestamptz,
      remote_value jsonb,
      remote_at timestamptz,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'ignored')),
      strategy text,
      resolution text,
      resolved_value jsonb,
      reason text,
      resolved_by text,
      resolved_at timestamptz,
      write_back jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX uq_conflicts_open_field ON conflicts (record_id, field, kind) WHERE status = 'open'`);
    await q.query('CREATE INDEX ix_conflicts_organization ON conflicts (organization_id, created_at DESC, id DESC)');
    await q.query('CREATE INDEX ix_conflicts_record ON conflicts (record_id)');
    await q.query(`CREATE INDEX ix_conflicts_pending ON conflicts (integration_id) WHERE status = 'open' AND strategy IS NULL`);
    // Detection drives from the (few) records with local edits: syncs of unedited records never touch this index.
    await q.query('CREATE INDEX ix_records_local_edits ON records (integration_id, resource_type, external_id) WHERE local_data IS NOT NULL');
    await q.query(`CREATE TABLE conflict_policies (
      organization_id uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
      rules jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`
      CREATE FUNCTION conflict_source_instant(stamp text) RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$
      BEGIN
        IF stamp ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)$' THEN
          RETURN stamp::timestamptz;
        END IF;
        RETURN NULL;
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION conflict_source_instant(text)');
    await q.query('DROP TABLE conflict_policies');
    await q.query('DROP INDEX ix_records_local_edits');
    await q.query('DROP TABLE conflicts');
  }
}
