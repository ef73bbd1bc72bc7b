import { Pool } from 'pg';
import { ResourceType } from '../../canonical';
import { FieldMapping, RecordTransformer, ResourceRule } from './record-transformer';
import { RuleType } from './transformation-rule';

/**
 * Loads the enabled transformation rules and the field mappings of an integration (tables
 * `transformation_rules`, `field_mappings`) and builds its {@link RecordTransformer}; two queries,
 * once per sync job (SyncRunnerService.run). Empty without rules and mappings.
 * @throws RuleParamError when a stored rule no longer compiles (the job then fails naming it).
 */
export async function loadRecordTransformer(pool: Pool, integrationId: string): Promise<RecordTransformer> {
  const res = await pool.query<{ id: string; resource_type: ResourceType; field: string; type: RuleType; params: Record<string, unknown>; position: number }>(
    `SELECT id, resource_type, field, type, params, position FROM transformation_rules
      WHERE integration_id = $1 AND enabled ORDER BY position, created_at, id`,
    [integrationId],
  );
  const rules: ResourceRule[] = res.rows.map((r) => ({ id: r.id, resourceType: r.resource_type, field: r.field, type: r.type, params: r.params, order: r.position }));
  const mappings = await pool.query<{ id: string; resource_type: ResourceType; target: string; source: string }>(
    'SELECT id, resource_type, target, source FROM field_mappings WHERE integration_id = $1 ORDER BY created_at, id', [integrationId]);
  const fieldMappings: FieldMapping[] = mappings.rows.map((m) => ({ id: m.id, resourceType: m.resource_type, target: m.target, source: m.source }));
  return new RecordTransformer(rules, fieldMappings);
}
