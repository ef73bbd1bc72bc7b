import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { EXTERNAL_CREDENTIALS_PROVIDERS } from '../secrets/secrets-provider';
import { CountMismatchStateDto, HEALTH_DESCRIPTION, HEALTH_STATUSES } from './health.dto';
import { ResourceReadabilityDto } from './resource-readability.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** An AWS Secrets Manager secret name (1-512 of A-Z a-z 0-9 / _ + = . @ -) or a secret ARN. */
const SECRET_ID = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}|[A-Za-z0-9/_+=.@-]{1,512})$/;

/** Where to read an integration's credentials instead of sending them. */
export class CredentialsSecretRefDto {
  @ApiProperty({ enum: [...EXTERNAL_CREDENTIALS_PROVIDERS], example: 'aws-secrets-manager' })
  @IsIn([...EXTERNAL_CREDENTIALS_PROVIDERS], { message: `provider must be one of: ${EXTERNAL_CREDENTIALS_PROVIDERS.join(', ')}` })
  provider: 'aws-secrets-manager';

  @ApiProperty({
    description: "Secret name or ARN. Its value must be a JSON object with the vendor's credentialFields, e.g. {\"password\": \"…\"}; "
      + 'other keys are ignored. The secret may be created after the integration; POST /integrations/:id/test reports a missing one.',
    example: 'ehr-sync-hub/main-street/opendental',
  })
  @IsString() @Matches(SECRET_ID, { message: 'secretId must be an AWS Secrets Manager secret name (letters, digits, /_+=.@-, at most 512) or a secret ARN' })
  @MaxLength(2048)
  secretId: string;
}

const FRESHNESS_SLA_DOC = {
  description: 'Freshness SLA in minutes (1-525600): when the last successful sync (or the creation, if never synced) is older, '
    + 'the enabled integration reports healthStatus `stale`.',
  example: 60, nullable: true, type: Number, minimum: 1, maximum: 525600,
};

const RECONCILE_INTERVAL_DOC = {
  description: 'Hours (1-8760) between the full passes an incremental schedule makes to find records deleted at the source '
    + '(resources the vendor reads incrementally, such as documents, keep no trace of a hard delete); null = 24. See docs/sync-jobs.md.',
  example: 24, nullable: true, type: Number, minimum: 1, maximum: 8760,
};

export class IntegrationCreateDto {
  @ApiProperty({ description: 'Vendor id from GET /api/v1/vendors.', example: 'opendental-db' })
  @IsString() @IsNotEmpty() @MaxLength(50)
  vendor: string;

  @ApiProperty({ description: 'Display name.', example: 'Main Street office' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ['sandbox', 'production'], description: 'sandbox = a simulated vendor back end; production = the real vendor.' })
  @IsIn(['sandbox', 'production'])
  environment: 'sandbox' | 'production';

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiProperty({
    type: 'object', additionalProperties: true,
    description: "Vendor settings, validated against the vendor's configSchema.",
    example: { host: '127.0.0.1', port: 3306, database: 'opendental', username: 'od_reader', timeZone: 'America/Chicago' },
  })
  @IsObject()
  config: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string' },
    description: "Secret values named by the vendor's credentialFields, stored encrypted (provider `local`). Write-only: never returned. "
      + 'Send exactly one of `credentials` and `credentialsSecret`, or neither for a vendor whose catalog entry has '
      + '`capabilities.clientKeys`: the hub then generates the client key pair and serves its public key at GET /api/v1/integrations/{id}/jwks.json.',
    example: { password: 'secret' },
  })
  @IsOptional() @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: CredentialsSecretRefDto,
    description: 'Read the credentials from an external secrets manager instead of storing them here. Send exactly one of `credentials` and `credentialsSecret`.',
  })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CredentialsSecretRefDto)
  credentialsSecret?: CredentialsSecretRefDto;

  @ApiPropertyOptional({
    description: 'Cron expression for scheduled incremental syncs, evaluated in UTC (5 fields, or 6 with seconds first). '
      + 'A tick while a sync of this integration is active is skipped.',
    example: '*/15 * * * *', nullable: true, type: String,
  })
  @IsOptional() @IsString() @MaxLength(120)
  syncSchedule?: string | null;

  @ApiPropertyOptional({ ...FRESHNESS_SLA_DOC })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(525600)
  freshnessSlaMinutes?: number | null;

  @ApiPropertyOptional({ ...RECONCILE_INTERVAL_DOC })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(8760)
  reconcileIntervalHours?: number | null;
}

export class IntegrationUpdateDto {
  @ApiPropertyOptional({ example: 'Main Street office' })
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ['sandbox', 'production'] })
  @IsOptional() @IsIn(['sandbox', 'production'])
  environment?: 'sandbox' | 'production';

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Replaces the whole config; validated against the vendor schema.' })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string' },
    description: 'Replaces the credentials with these, stored encrypted (provider `local`; write-only). At most one of `credentials` and `credentialsSecret`.',
  })
  @IsOptional() @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: CredentialsSecretRefDto,
    description: 'Replaces the credentials with a reference to an external secret (any stored ones are deleted). At most one of `credentials` and `credentialsSecret`.',
  })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CredentialsSecretRefDto)
  credentialsSecret?: CredentialsSecretRefDto;

  @ApiPropertyOptional({ nullable: true, type: String, example: '0 * * * *', description: 'Cron expression (UTC) for scheduled incremental syncs; null removes the schedule.' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(120)
  syncSchedule?: string | null;

  @ApiPropertyOptional({ ...FRESHNESS_SLA_DOC, description: `${FRESHNESS_SLA_DOC.description} null removes the SLA.` })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(525600)
  freshnessSlaMinutes?: number | null;

  @ApiPropertyOptional({ ...RECONCILE_INTERVAL_DOC, description: `${RECONCILE_INTERVAL_DOC.description} null restores the default.` })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(8760)
  reconcileIntervalHours?: number | null;
}

export class IntegrationToggleDto {
  @ApiProperty({ description: 'Enable or disable syncing.' })
  @IsBoolean()
  enabled: boolean;
}

export class IntegrationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'opendental-db' }) vendor: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['sandbox', 'production'] }) environment: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) config: Record<string, unknown>;
  @ApiProperty({ description: 'Credentials are stored, or a secret reference is set (values are never returned).' }) credentialsConfigured: boolean;
  @ApiProperty({ type: [String], description: 'Names of the stored credential fields (`local` provider; empty for an external secret).', example: ['password'] }) credentialFields: string[];
  @ApiProperty({ enum: ['local', 'aws-secrets-manager'], example: 'local', description: 'Where credentials are kept.' }) credentialsProvider: string;
  @ApiPropertyOptional({
    type: CredentialsSecretRefDto, nullable: true,
    description: "The external secret's reference (name or ARN) when credentialsProvider is not `local`; never its value.",
  }) credentialsSecret: CredentialsSecretRefDto | null;
  @ApiPropertyOptional({ nullable: true, type: String }) syncSchedule: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 60, description: 'Freshness SLA in minutes; null = none.' }) freshnessSlaMinutes: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 24, description: 'Hours between the full passes that find hard deletes; null = 24.' }) reconcileIntervalHours: number | null;
  @ApiProperty({ enum: HEALTH_STATUSES, description: HEALTH_DESCRIPTION }) healthStatus: string;
  @ApiPropertyOptional({ type: CountMismatchStateDto, nullable: true, description: 'Set while healthStatus is degraded by a count reconciliation.' })
  countMismatch: CountMismatchStateDto | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastTestedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastSyncedAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class IntegrationTestResponseDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ description: 'Round trip in milliseconds.' }) latencyMs: number;
  @ApiProperty({ example: 'Connected; the patient table is readable' }) message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ResourceReadabilityDto' },
    description: 'Per resource the vendor offers: can these credentials read it? Present when the connection works and the vendor can probe.',
    example: { patients: { readable: true }, coverages: { readable: false, code: 'resource_not_found', message: 'The OpenDental table patplan does not exist in this database (ER_NO_SUCH_TABLE)' } },
  })
  resources?: Record<string, ResourceReadabilityDto>;
}

export class IntegrationHealthDto {
  @ApiProperty({ format: 'uuid' }) integrationId: string;
  @ApiProperty() name: string;
  @ApiProperty() vendor: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: HEALTH_STATUSES, description: HEALTH_DESCRIPTION }) healthStatus: string;
  @ApiPropertyOptional({ type: CountMismatchStateDto, nullable: true, description: 'Set while healthStatus is degraded by a count reconciliation.' })
  countMismatch: CountMismatchStateDto | null;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 60 }) freshnessSlaMinutes: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastTestedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastSyncedAt: Date | null;
}

export class DatabaseListDto {
  @ApiProperty({ type: [String], example: ['opendental', 'opendental_test'] }) databases: string[];
}
