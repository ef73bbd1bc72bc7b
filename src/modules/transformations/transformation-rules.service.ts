import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Pool } from 'pg';
import { isCanonicalFieldPath } from '../../canonical';
import { validationFailed } from '../../common/validation';
import { PG_POOL } from '../../database/database.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { TransformationRuleCreateDto, TransformationRuleDto, TransformationRuleUpdateDto } from './dtos/transformation-rule.dto';
import { compileRule, RuleParamError } from './transformation-rule';

interface Row {
  id: string; integration_id: string; resource_type: TransformationRuleDto['resourceType']; field: string; type: TransformationRuleDto['type'];
  params: Record<string, unknown>; position: number; enabled: boolean; created_at: Date; updated_at: Date;
}

const COLUMNS = 'id, integration_id, resource_type, field, type, params, position, enabled, created_at, updated_at';

function toDto(r: Row): TransformationRuleDto {
  return {
    id: r.id, integrationId: r.integration_id, resourceType: r.resource_type, field: r.field, type: r.type, params: r.params,
    order: r.position, enabled: r.enabled, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

/** The 400 of a rule or mapping that does not compile, naming the field (`field`, `params.mode`, `source`…). */
export function ruleRejected(error: RuleParamError): BadRequestException {
  return validationFailed([{ field: error.param, errors: [error.message] }]);
}

/**
 * CRUD of an integration's transformation rules (table `transformation_rules`). Every rule is
 * compiled before it is stored, so a bad one never reaches a sync.
 * @throws NotFoundException for an integration or rule of another organization; BadRequestException naming the bad field or parameter.
 */
@Injectable()
export class TransformationRulesService {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, private readonly integrations: IntegrationsService) {}

  private check(rule: { resourceType: TransformationRuleDto['resourceType']; field: string; type: TransformationRuleDto['type']; params: Record<string, unknown> }): void {
    try {
      if (!isCanonicalFieldPath(rule.resourceType, rule.field)) throw new RuleParamError('field', `is not a canonical field of ${rule.resourceType}`);
      compileRule(rule);
    } catch (error) {
      throw error instanceof RuleParamError ? ruleRejected(error) : error;
    }
  }

  async list(organizationId: string, integrationId: string): Promise<TransformationRuleDto[]> {
    await this.integrations.get(organizationId, integrationId);
    const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM transformation_rules WHERE integration_id = $1 ORDER BY resource_type, position, created_at, id`, [integrationId]);
    return res.rows.map(toDto);
  }

  async create(organizationId: string, integrationId: string, body: TransformationRuleCreateDto): Promise<TransformationRuleDto> {
    await this.integrations.get(organizationId, integrationId);
    const params = body.params ?? {};
    this.check({ ...body, params });
    const res = await this.pool.query<Row>(
      `INSERT INTO transformation_rules (organization_id, integration_id, resource_type, field, type, params, position, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [organizationId, integrationId, body.resourceType, body.field, body.type, JSON.stringify(params), body.order ?? 0, body.enabled ?? true],
    );
    return toDto(res.rows[0]);
  }

  private async one(organizationId: string, integrationId: string, ruleId: string): Promise<Row> {
    await this.integrations.get(organizationId, integrationId);
    const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM transformation_rules WHERE id = $1 AND integration_id = $2 AND organization_id = $3`, [ruleId, integrationId, organizationId]);
    if (!res.rows[0]) throw new NotFoundException('Transformation rule not found');
    return res.rows[0];
  }

  async update(organizationId: string, integrationId: string, ruleId: string, body: TransformationRuleUpdateDto): Promise<TransformationRuleDto> {
    const row = await this.one(organizationId, integrationId, ruleId);
    const next = {
      resourceType: body.resourceType ?? row.resource_type, field: body.field ?? row.field, type: body.type ?? row.type,
      params: body.params ?? row.params, order: body.order ?? row.position, enabled: body.enabled ?? row.enabled,
    };
    this.check(next);
    const res = await this.pool.query<Row>(
      `UPDATE transformation_rules SET resource_type = $2, field = $3, type = $4, params = $5, position = $6, enabled = $7, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [ruleId, next.resourceType, next.field, next.type, JSON.stringify(next.params), next.order, next.enabled],
    );
    return toDto(res.rows[0]);
  }

  async remove(organizationId: string, integrationId: string, ruleId: string): Promise<void> {
    await this.one(organizationId, integrationId, ruleId);
    await this.pool.query('DELETE FROM transformation_rules WHERE id = $1', [ruleId]);
  }
}
