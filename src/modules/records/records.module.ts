import { Module } from '@nestjs/common';
import { APP_ENV } from '../../config/config.module';
import { AppEnv } from '../../config/env';
import { Cipher, deriveKey } from '../../common/crypto';
import { AuditModule } from '../audit/audit.module';
import { RecordEditsController } from './record-edits.controller';
import { RecordEditsService } from './record-edits.service';
import { RecordWriter } from './record-writer';
import { RECORD_ROUTE_CONTROLLERS } from './record-routes';
import { RecordsController } from './records.controller';
import { PatientContextService } from './patient-context.service';
import { PatientSourcesService } from './patient-sources.service';
import { RecordsRepository } from './records.repository';
import { RecordsService } from './records.service';

/**
 * The records API (canonical patients, appointments, providers, locations, coverages, documents,
 * balances) and the bulk record writer. {@link RecordsRepository} owns the reads of the `records`
 * table; the writer and the patient linker are this module's internals.
 */
@Module({
  imports: [AuditModule],
  controllers: [RecordsController, RecordEditsController, ...RECORD_ROUTE_CONTROLLERS],
  providers: [
    RecordsRepository,
    RecordEditsService,
    RecordsService,
    PatientContextService,
    PatientSourcesService,
    {
      provide: RecordWriter,
      inject: [APP_ENV],
      useFactory: (env: AppEnv) =>
        new RecordWriter(deriveKey(env.encryptionKey, 'record-content-hash'), new Cipher(deriveKey(env.encryptionKey, 'record-sensitive'))),
    },
  ],
  exports: [RecordsService, RecordWriter],
})
export class RecordsModule {}
