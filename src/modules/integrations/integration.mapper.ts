import { CredentialsSecretRefDto, IntegrationHealthDto, IntegrationResponseDto } from './dtos/integration.dto';
import { Integration } from './integration.entity';

/** The public view of an integration: never credentials, only whether they are set, their field names, and an external secret's reference (name or ARN). */
export function toIntegrationDto(i: Integration): IntegrationResponseDto {
  return {
    id: i.id, vendor: i.vendor, name: i.name, environment: i.environment, enabled: i.enabled, config: i.config,
    credentialsConfigured: i.credentialsProvider === 'local' ? i.credentialFields.length > 0 : Boolean(i.credentialsSecretId),
    credentialFields: i.credentialFields, credentialsProvider: i.credentialsProvider,
    credentialsSecret: i.credentialsProvider !== 'local' && i.credentialsSecretId
      ? { provider: i.credentialsProvider as CredentialsSecretRefDto['provider'], secretId: i.credentialsSecretId }
      : null,
    syncSchedule: i.syncSchedule, freshnessSlaMinutes: i.freshnessSlaMinutes, reconcileIntervalHours: i.reconcileIntervalHours, healthStatus: i.healthStatus, countMismatch: i.countMismatch ?? null, lastTestedAt: i.lastTestedAt, lastError: i.lastError,
    lastSyncedAt: i.lastSyncedAt, createdAt: i.createdAt, updatedAt: i.updatedAt,
  };
}

export function toHealthDto(i: Integration): IntegrationHealthDto {
  return {
    integrationId: i.id, name: i.name, vendor: i.vendor, enabled: i.enabled, healthStatus: i.healthStatus, countMismatch: i.countMismatch ?? null, freshnessSlaMinutes: i.freshnessSlaMinutes,
    lastTestedAt: i.lastTestedAt, lastError: i.lastError, lastSyncedAt: i.lastSyncedAt,
  };
}
