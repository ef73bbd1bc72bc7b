import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ApiKey } from './api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysService } from './api-keys.service';
import { Organization } from './organization.entity';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

/** Organizations, API keys and the global API key guard. */
@Module({
  imports: [TypeOrmModule.forFeature([Organization, ApiKey]), AuditModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, ApiKeysService, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
