import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ProviderAdapter } from '../../providers/provider-adapter';
import { ProviderRegistryService } from '../../providers/provider-registry.service';

export class VendorQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive match on id, name or description.', example: 'dental' })
  @IsOptional() @IsString() @MaxLength(100) search?: string;

  @ApiPropertyOptional({ enum: ['dental_pms', 'ehr', 'integration_platform'] })
  @IsOptional() @IsIn(['dental_pms', 'ehr', 'integration_platform']) category?: string;
}

class VendorCapabilitiesDto {
  @ApiProperty({ type: [String], example: ['patients', 'appointments'] }) resources: string[];
  @ApiProperty({ type: [String], description: 'Resources read incrementally from a checkpoint.' }) incremental: string[];
  @ApiProperty({ type: [String], description: 'Resources whose records deleted at the source are found by a full pass (deletes by reconciliation, docs/sync-jobs.md).' }) reconcileDeletes: string[];
  @ApiProperty() webhooks: boolean;
  @ApiProperty() writeBack: boolean;
  @ApiProperty() listDatabases: boolean;
  @ApiProperty({ description: 'Full syncs compare a source count with the stored records (count reconciliation, progress[resource].sourceCount).' }) countSource: boolean;
  @ApiProperty({ description: 'The hub can generate the client key pair (create without credentials) and serve its JWKS at GET /api/v1/integrations/:id/jwks.json.' }) clientKeys: boolean;
  @ApiPropertyOptional({ description: 'The vendor registers webhook endpoints through its API: POST /api/v1/integrations/:id/auto-sync.' }) registerWebhooks?: boolean;
}

class CredentialFieldDto {
  @ApiProperty({ example: 'password' }) name: string;
  @ApiProperty({ example: 'Database password' }) label: string;
  @ApiProperty() required: boolean;
}

class VendorWebhooksDto {
  @ApiProperty({ example: 'standard-webhooks', description: 'Signature scheme used unless the webhook configuration names another.' }) defaultScheme: string;
  @ApiProperty({ type: [String], example: ['standard-webhooks', 'hmac-sha256', 'hmac-sha512'] }) schemes: string[];
  @ApiProperty({ type: [String], example: ['patients', 'appointments'], description: 'Events a webhook configuration may subscribe to.' }) events: string[];
}

export class VendorDto {
  @ApiProperty({ example: 'vendor-id' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['dental_pms', 'ehr', 'integration_platform'] }) category: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: VendorCapabilitiesDto }) capabilities: VendorCapabilitiesDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of `config`, renderable as a form.' }) configSchema: Record<string, unknown>;
  @ApiProperty({ type: CredentialFieldDto, isArray: true }) credentialFields: CredentialFieldDto[];
  @ApiPropertyOptional({ type: VendorWebhooksDto, description: 'Present when the vendor pushes change notifications.' }) webhooks?: VendorWebhooksDto;
}

/** The catalog entry of an adapter: capability booleans come from which capability objects it provides. */
export function vendorEntry(adapter: ProviderAdapter): VendorDto {
  const d = adapter.descriptor;
  const hooks = adapter.webhooks;
  return {
    id: d.id, name: d.name, category: d.category, description: d.description,
    capabilities: {
      resources: d.capabilities.resources, incremental: d.capabilities.incremental, reconcileDeletes: d.capabilities.reconcileDeletes ?? [],
      webhooks: !!hooks, writeBack: !!adapter.writeBack, listDatabases: !!adapter.listDatabases, countSource: !!adapter.counts, clientKeys: !!adapter.clientKeys, registerWebhooks: !!hooks?.register,
    },
    configSchema: d.configSchema,
    credentialFields: d.credentialFields.map(({ name, label, required }) => ({ name, label, required })),
    ...(hooks ? { webhooks: { defaultScheme: hooks.descriptor.defaultScheme, schemes: hooks.descriptor.schemes, events: hooks.descriptor.events } } : {}),
  };
}

@ApiTags('vendors')
@ApiBearerAuth()
@Controller('api/v1/vendors')
export class VendorsController {
  constructor(private readonly registry: ProviderRegistryService) {}

  @Get()
  @ApiOperation({ summary: 'The vendor catalog: only vendors whose adapter exists' })
  @ApiOkResponse({ type: VendorDto, isArray: true })
  list(@Query() q: VendorQueryDto): VendorDto[] {
    const search = q.search?.toLowerCase();
    return this.registry
      .adapters()
      .filter(({ descriptor: d }) => !q.category || d.category === q.category)
      .filter(({ descriptor: d }) => !search || [d.id, d.name, d.description].some((s) => s.toLowerCase().includes(search)))
      .map(vendorEntry);
  }
}
