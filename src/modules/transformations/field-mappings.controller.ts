import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { FieldMappingCreateDto, FieldMappingDto } from './dtos/field-mapping.dto';
import { FieldMappingsService } from './field-mappings.service';

/** `/api/v1/integrations/:id/field-mappings` (docs/transformations.md; see FieldMappingsService). */
@ApiTags('transformations')
@ApiBearerAuth()
@Controller('api/v1/integrations/:id/field-mappings')
export class FieldMappingsController {
  constructor(private readonly mappings: FieldMappingsService) {}

  @Get()
  @ApiOperation({ summary: "List an integration's field mappings" })
  @ApiOkResponse({ type: FieldMappingDto, isArray: true })
  list(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<FieldMappingDto[]> {
    return this.mappings.list(auth.organizationId, id);
  }

  @Post()
  @ApiOperation({ summary: 'Add a field mapping (validated: 400 names target or source)' })
  @ApiCreatedResponse({ type: FieldMappingDto })
  create(@Param('id', ParseUUIDPipe) id: string, @Body() body: FieldMappingCreateDto, @Auth() auth: OrgAuth): Promise<FieldMappingDto> {
    return this.mappings.create(auth.organizationId, id, body);
  }

  @Delete(':mappingId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a field mapping' })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @Param('mappingId', ParseUUIDPipe) mappingId: string, @Auth() auth: OrgAuth): Promise<void> {
    await this.mappings.remove(auth.organizationId, id, mappingId);
  }
}
