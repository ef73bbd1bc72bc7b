import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { RecordsModule } from '../records/records.module';
import { Action } from './action.entity';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';
import { ActionsWorker } from './actions.worker';
import { SlotsService } from './slots.service';

/** Write-back actions with idempotency keys, run inline or on the `actions` queue. Vendor-neutral. */
@Module({
  imports: [TypeOrmModule.forFeature([Action]), IntegrationsModule, RecordsModule, AuditModule],
  controllers: [ActionsController],
  providers: [ActionsService, ActionsWorker, SlotsService],
  exports: [ActionsService],
})
export class ActionsModule {}
