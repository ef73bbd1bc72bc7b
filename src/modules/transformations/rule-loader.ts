import { Pool } from 'pg';
import { ResourceType } from '../../canonical';
import { RecordTransformer, ResourceRule } from './record-transformer';
import { RuleType } from './transformation-rule';

/**
 * Loads the enabled transformation rules of an integration (table `transformation_rules`) and
 * builds its {@link RecordTransformer}; one query, once per sync job. Empty without rules.
 * @throws RuleParamError when a stored rule no longer compiles (the job then fails naming it).
 */
export async function loadRecordTransformer(pool: Pool, integrationId: string): Promise<RecordTransformer> {
  const res = await pool.query<{ id: string; resource_type: ResourceType; field: string; type: RuleType; params: Record<string, unknown>; position: number }>(
    `SELECT id, resource_type, field, type, params, position FROM transformation_rules
      WHERE integration_id = $1 AND enabled ORDER BY position, created_at, id`,
    [integrationId],
  );
  const rules: ResourceRule[] = res.rows.map((r) => ({ id: r.id, resourceType: r.resource_type, field: r.field, type: r.type, params: r.params, order: r.position }));
  return new RecordTransformer(rules);
}
