import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConflictsModule } from '../conflicts/conflicts.module';
import { PersonDecisionsService } from './person-decisions.service';
import { PersonsController } from './persons.controller';
import { PersonsRepository } from './persons.repository';
import { PersonsService } from './persons.service';

/**
 * One person across sources: the routes over `persons`, `person_links` and
 * `person_match_candidates`. The matcher runs in the sync's write path (person-linker.ts, called
 * by the record writer); the matching itself is pure code in `matching/`.
 */
@Module({
  imports: [AuditModule, ConflictsModule],
  controllers: [PersonsController],
  providers: [PersonsRepository, PersonsService, PersonDecisionsService],
})
export class PersonsModule {}
