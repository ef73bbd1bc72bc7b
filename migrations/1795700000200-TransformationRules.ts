import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-integration transformation rules (docs/transformations.md): applied in `position` order to
 * the canonical records of `resource_type` after the vendor mapper and before the write.
 * `params` holds the rule's parameters (never PHI). Deleted with their integration.
 * `transformation_runs`: reapply runs (status, progress counts; ids and counts only).
 */
export class TransformationRules1795700000200 implements MigrationInterface {
  name = 'TransformationRules1795700000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE transformation_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      resource_type text NOT NULL,
      field text NOT NULL,
      type text NOT NULL,
      params jsonb NOT NULL DEFAULT '{}',
      position integer NOT NULL DEFAULT 0,
      enabled boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX ix_transformation_rules_integration ON transformation_rules (integration_id, resource_type, position)');
    // Field mappings: `target` (a canonical field path) takes the value of `source` (a JSONata expression over `raw`).
    await q.query(`CREATE TABLE field_mappings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      resource_type text NOT NULL,
      target text NOT NULL,
      source text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (integration_id, resource_type, target)
    )`);
    // A reapply run on the data-transformation queue: status and progress like a sync job.
    await q.query(`CREATE TABLE transformation_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'queued',
      progress jsonb NOT NULL DEFAULT '{}',
      error_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE transformation_runs');
    await q.query('DROP TABLE field_mappings');
    await q.query('DROP TABLE transformation_rules');
  }
}
