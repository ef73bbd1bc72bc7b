import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ClientKeysController } from './client-keys.controller';
import { ClientKeysService } from './client-keys.service';
import { CredentialsService } from './credentials.service';
import { IntegrationHealthService } from './integration-health.service';
import { Integration } from './integration.entity';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';
import { AwsSecretsManagerProvider } from './secrets/aws-secrets-manager.provider';
import { LocalSecretsProvider } from './secrets/local-secrets.provider';
import { VendorsController } from './vendors.controller';

/** Integrations, their credentials (local or AWS Secrets Manager) and health, and the vendor catalog. Vendor-neutral: adapters come from the registry. */
@Module({
  imports: [TypeOrmModule.forFeature([Integration]), AuditModule],
  controllers: [VendorsController, IntegrationsController, ClientKeysController],
  providers: [IntegrationsService, IntegrationHealthService, CredentialsService, ClientKeysService, LocalSecretsProvider, AwsSecretsManagerProvider],
  exports: [IntegrationsService, IntegrationHealthService],
})
export class IntegrationsModule {}
