import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller';
import { AuditEvent } from './audit-event.entity';
import { AuditMaintenanceService } from './audit-maintenance.service';
import { AuditService } from './audit.service';
import { ReadAuditInterceptor } from './read-audit.interceptor';

/** Append-only, hash-chained audit trail partitioned by month with retention, and the access audit of every read of patient data. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [AuditService, AuditMaintenanceService, { provide: APP_INTERCEPTOR, useClass: ReadAuditInterceptor }],
  exports: [AuditService],
})
export class AuditModule {}
