import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import { ApiKey } from './api-key.entity';
import { actorOf, AdminOnly, Auth, AuthContext, OrgAuth } from './auth.context';
import {
  ApiKeyCreateDto, ApiKeyCreatedDto, ApiKeyResponseDto, OrganizationCreateDto, OrganizationCreatedDto, OrganizationResponseDto,
} from './dtos/organization.dto';
import { OrganizationsService } from './organizations.service';

function keyDto(key: ApiKey): ApiKeyResponseDto {
  return { id: key.id, name: key.name, prefix: key.prefix, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt };
}

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('api/v1')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  @Post('organizations')
  @AdminOnly()
  @ApiOperation({ summary: 'Create an organization and its first API key (admin key only)' })
  @ApiCreatedResponse({ type: OrganizationCreatedDto })
  async create(@Body() body: OrganizationCreateDto, @Auth() auth: AuthContext): Promise<OrganizationCreatedDto> {
    const { organization, apiKey, key } = await this.organizations.create(body.name);
    await this.audit.record({
      organizationId: organization.id, actorType: 'admin', actorId: 'admin', action: 'organization.created',
      targetType: 'organization', targetId: organization.id, requestId: auth.requestId,
    });
    return { id: organization.id, name: organization.name, createdAt: organization.createdAt, apiKey: { ...keyDto(apiKey), key } };
  }

  @Get('organizations/current')
  @ApiOperation({ summary: "The calling key's organization" })
  @ApiOkResponse({ type: OrganizationResponseDto })
  async current(@Auth() auth: OrgAuth): Promise<OrganizationResponseDto> {
    const org = await this.organizations.get(auth.organizationId);
    return { id: org.id, name: org.name, createdAt: org.createdAt };
  }

  @Post('api-keys')
  @ApiOperation({ summary: 'Create another API key for this organization' })
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  async createKey(@Body() body: ApiKeyCreateDto, @Auth() auth: OrgAuth): Promise<ApiKeyCreatedDto> {
    const { apiKey, key } = await this.organizations.keysService.create(auth.organizationId, body.name);
    await this.audit.record({
      organizationId: auth.organizationId, actorType: 'api_key', actorId: actorOf(auth), action: 'api_key.created',
      targetType: 'api_key', targetId: apiKey.id, requestId: auth.requestId,
    });
    return { ...keyDto(apiKey), key };
  }

  @Get('api-keys')
  @ApiOperation({ summary: "List this organization's API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyResponseDto, isArray: true })
  async listKeys(@Auth() auth: OrgAuth): Promise<ApiKeyResponseDto[]> {
    return (await this.organizations.keysService.list(auth.organizationId)).map(keyDto);
  }

  @Delete('api-keys/:id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  async revokeKey(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<ApiKeyResponseDto> {
    const key = await this.organizations.keysService.revoke(auth.organizationId, id);
    await this.audit.record({
      organizationId: auth.organizationId, actorType: 'api_key', actorId: actorOf(auth), action: 'api_key.revoked',
      targetType: 'api_key', targetId: id, requestId: auth.requestId,
    });
    return keyDto(key);
  }
}
