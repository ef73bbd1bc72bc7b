import { BadRequestException, Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Pool } from 'pg';
import { PG_POOL } from '../../database/database.module';
import { IntegrationsService } from '../integrations/integrations.service';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { FieldMappingCreateDto, FieldMappingDto } from './dtos/field-mapping.dto';
import { compileMapping } from './record-transformer';
import { RuleParamError } from './transformation-rule';

interface Row { id: string; integration_id: string; resource_type: FieldMappingDto['resourceType']; target: string; source: string; created_at: Date }
const toDto = (r: Row): FieldMappingDto => ({ id: r.id, integrationId: r.integration_id, resourceType: r.resource_type, target: r.target, source: r.source, createdAt: r.created_at.toISOString() });

/**
 * `/api/v1/integrations/:id/field-mappings` (docs/transformations.md): a canonical `target` takes
 * the value of `source` (JSONata over the stored `raw` row), before the rules run. Validated at
 * creation (400 naming `target` or `source`); one mapping per target (409); another organization: 404.
 */
@ApiTags('transformations')
@ApiBearerAuth()
@Controller('api/v1/integrations/:id/field-mappings')
export class FieldMappingsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, private readonly integrations: IntegrationsService) {}

  @Get()
  @ApiOperation({ summary: "List an integration's field mappings" })
  @ApiOkResponse({ type: FieldMappingDto, isArray: true })
  async list(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<FieldMappingDto[]> {
    await this.integrations.get(auth.organizationId, id);
    const res = await this.pool.query<Row>('SELECT * FROM field_mappings WHERE integration_id = $1 ORDER BY created_at, id', [id]);
    return res.rows.map(toDto);
  }

  @Post()
  @ApiOperation({ summary: 'Add a field mapping (validated: 400 names target or source)' })
  @ApiCreatedResponse({ type: FieldMappingDto })
  async create(@Param('id', ParseUUIDPipe) id: string, @Body() body: FieldMappingCreateDto, @Auth() auth: OrgAuth): Promise<FieldMappingDto> {
    await this.integrations.get(auth.organizationId, id);
    try {
      compileMapping({ id: 'new', ...body });
    } catch (error) {
      if (!(error instanceof RuleParamError)) throw error;
      const text = `${error.param} ${error.message.slice(error.param.length + 1)}`;
      throw new BadRequestException({ message: `Validation failed: ${text}`, details: [{ field: error.param, errors: [text] }] });
    }
    const res = await this.pool.query<Row>(
      `INSERT INTO field_mappings (organization_id, integration_id, resource_type, target, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (integration_id, resource_type, target) DO NOTHING RETURNING *`,
      [auth.organizationId, id, body.resourceType, body.target, body.source]);
    if (!res.rows[0]) throw new ConflictException(`target ${body.target} already has a mapping`);
    return toDto(res.rows[0]);
  }

  @Delete(':mappingId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a field mapping' })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @Param('mappingId', ParseUUIDPipe) mappingId: string, @Auth() auth: OrgAuth): Promise<void> {
    await this.integrations.get(auth.organizationId, id);
    const res = await this.pool.query('DELETE FROM field_mappings WHERE id = $1 AND integration_id = $2 AND organization_id = $3', [mappingId, id, auth.organizationId]);
    if (!res.rowCount) throw new NotFoundException('Field mapping not found');
  }
}
