import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from '../../database/database.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { FieldMappingCreateDto, FieldMappingDto } from './dtos/field-mapping.dto';
import { compileMapping } from './record-transformer';
import { RuleParamError } from './transformation-rule';
import { ruleRejected } from './transformation-rules.service';

interface Row { id: string; integration_id: string; resource_type: FieldMappingDto['resourceType']; target: string; source: string; created_at: Date }
const toDto = (r: Row): FieldMappingDto => ({ id: r.id, integrationId: r.integration_id, resourceType: r.resource_type, target: r.target, source: r.source, createdAt: r.created_at.toISOString() });

/**
 * An integration's field mappings (table `field_mappings`, docs/transformations.md): a canonical
 * `target` takes the value of `source` (JSONata over the stored `raw` row), before the rules run.
 * @throws NotFoundException for an integration or mapping of another organization; BadRequestException
 * naming `target` or `source`; ConflictException for a second mapping of one target.
 */
@Injectable()
export class FieldMappingsService {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, private readonly integrations: IntegrationsService) {}

  async list(organizationId: string, integrationId: string): Promise<FieldMappingDto[]> {
    await this.integrations.get(organizationId, integrationId);
    const res = await this.pool.query<Row>('SELECT * FROM field_mappings WHERE integration_id = $1 ORDER BY created_at, id', [integrationId]);
    return res.rows.map(toDto);
  }

  async create(organizationId: string, integrationId: string, body: FieldMappingCreateDto): Promise<FieldMappingDto> {
    await this.integrations.get(organizationId, integrationId);
    try {
      compileMapping({ id: 'new', ...body });
    } catch (error) {
      throw error instanceof RuleParamError ? ruleRejected(error) : error;
    }
    const res = await this.pool.query<Row>(
      `INSERT INTO field_mappings (organization_id, integration_id, resource_type, target, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (integration_id, resource_type, target) DO NOTHING RETURNING *`,
      [organizationId, integrationId, body.resourceType, body.target, body.source]);
    if (!res.rows[0]) throw new ConflictException(`target ${body.target} already has a mapping`);
    return toDto(res.rows[0]);
  }

  async remove(organizationId: string, integrationId: string, mappingId: string): Promise<void> {
    await this.integrations.get(organizationId, integrationId);
    const res = await this.pool.query('DELETE FROM field_mappings WHERE id = $1 AND integration_id = $2 AND organization_id = $3', [mappingId, integrationId, organizationId]);
    if (!res.rowCount) throw new NotFoundException('Field mapping not found');
  }
}
