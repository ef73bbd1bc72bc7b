import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, Auth, OrgAuth } from '../organizations/auth.context';
import {
  DatabaseListDto, IntegrationCreateDto, IntegrationHealthDto, IntegrationResponseDto, IntegrationTestResponseDto,
  IntegrationToggleDto, IntegrationUpdateDto,
} from './dtos/integration.dto';
import { ResourceReadabilityDto } from './dtos/resource-readability.dto';
import { IntegrationHealthService } from './integration-health.service';
import { toHealthDto, toIntegrationDto } from './integration.mapper';
import { Actor, IntegrationsService } from './integrations.service';

function actor(auth: OrgAuth): Actor {
  return { organizationId: auth.organizationId, actorId: actorOf(auth), requestId: auth.requestId };
}

@ApiTags('integrations')
@ApiBearerAuth()
@ApiExtraModels(ResourceReadabilityDto)
@Controller('api/v1/integrations')
export class IntegrationsController {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly health: IntegrationHealthService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a vendor system (config validated against the vendor schema; credentials encrypted here, or read from AWS Secrets Manager via credentialsSecret)' })
  @ApiCreatedResponse({ type: IntegrationResponseDto })
  async create(@Body() body: IntegrationCreateDto, @Auth() auth: OrgAuth): Promise<IntegrationResponseDto> {
    return toIntegrationDto(await this.integrations.create(body, actor(auth)));
  }

  @Get()
  @ApiOperation({ summary: "List this organization's integrations" })
  @ApiOkResponse({ type: IntegrationResponseDto, isArray: true })
  async list(@Auth() auth: OrgAuth): Promise<IntegrationResponseDto[]> {
    return (await this.integrations.list(auth.organizationId)).map(toIntegrationDto);
  }

  @Get('health/status')
  @ApiOperation({ summary: 'Health of every integration' })
  @ApiOkResponse({ type: IntegrationHealthDto, isArray: true })
  async healthStatus(@Auth() auth: OrgAuth): Promise<IntegrationHealthDto[]> {
    return (await this.health.status(auth.organizationId)).map(toHealthDto);
  }

  @Post('health/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test every enabled integration now and return their health' })
  @ApiOkResponse({ type: IntegrationHealthDto, isArray: true })
  async healthCheck(@Auth() auth: OrgAuth): Promise<IntegrationHealthDto[]> {
    return (await this.health.checkAll(actor(auth))).map(toHealthDto);
  }

  @Get(':id')
  @ApiOkResponse({ type: IntegrationResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<IntegrationResponseDto> {
    return toIntegrationDto(await this.integrations.get(auth.organizationId, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update an integration (config and credentials are replaced whole; credentials or credentialsSecret switches the provider)' })
  @ApiOkResponse({ type: IntegrationResponseDto })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() body: IntegrationUpdateDto, @Auth() auth: OrgAuth): Promise<IntegrationResponseDto> {
    return toIntegrationDto(await this.integrations.update(id, body, actor(auth)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an integration with its records and jobs (409 while a sync is active)' })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<void> {
    await this.integrations.remove(id, actor(auth));
  }

  @Post(':id/toggle')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable or disable an integration' })
  @ApiOkResponse({ type: IntegrationResponseDto })
  async toggle(@Param('id', ParseUUIDPipe) id: string, @Body() body: IntegrationToggleDto, @Auth() auth: OrgAuth): Promise<IntegrationResponseDto> {
    return toIntegrationDto(await this.integrations.update(id, { enabled: body.enabled }, actor(auth)));
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test the connection to the vendor (sets healthStatus, lastTestedAt, lastError) and report which resources these credentials can read' })
  @ApiOkResponse({ type: IntegrationTestResponseDto })
  test(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<IntegrationTestResponseDto> {
    return this.health.test(id, actor(auth));
  }

  @Get(':id/databases')
  @ApiOperation({ summary: "List databases on the integration's server (setup form's select-database step)" })
  @ApiOkResponse({ type: DatabaseListDto })
  async databases(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<DatabaseListDto> {
    return { databases: await this.health.databases(id, auth.organizationId) };
  }
}
