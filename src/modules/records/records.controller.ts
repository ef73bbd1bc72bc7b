import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { PatientContextDto, PatientListQueryDto } from './dtos/record.dto';
import { PatientSourcesDto } from './dtos/patient-sources.dto';
import { FieldEditDto } from './dtos/record-edit.dto';
import { PatientDetailDto, PatientPageDto } from './dtos/resource-records.dto';
import { etagOf } from './local-edits';

import { PatientContextService } from './patient-context.service';
import { linkOf, PatientSourcesService } from './patient-sources.service';
import { toRecordDetail, toRecordDto } from './record-routes';
import { RecordsService } from './records.service';

/** Patient routes: list, read with link, sources and assistant context (the other resources: record-routes.ts). */
@ApiTags('records')
@ApiBearerAuth()
@ApiExtraModels(FieldEditDto)
@Controller('api/v1')
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly context: PatientContextService,
    private readonly sourcesOf: PatientSourcesService,
  ) {}

  @Get('patients')
  @ApiOperation({ summary: 'List patients (deleted ones only with includeDeleted=true)' })
  @ApiOkResponse({ type: PatientPageDto })
  async patients(@Query() q: PatientListQueryDto, @Auth() auth: OrgAuth): Promise<PatientPageDto> {
    const page = await this.records.list(auth.organizationId, 'patients', { ...q, limit: q.limit ?? 100 });
    return { data: page.data.map((r) => toRecordDto<'patients'>(r)), nextCursor: page.nextCursor };
  }

  @Get('patients/:id')
  @ApiOperation({ summary: 'One patient with its source, raw source row, local edits and link to the same person from another source (also when deleted); ETag W/"<version>"' })
  @ApiOkResponse({ type: PatientDetailDto })
  async patient(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth, @Res({ passthrough: true }) res: Response): Promise<PatientDetailDto> {
    const row = await this.records.get(auth.organizationId, 'patients', id);
    res.setHeader('ETag', etagOf(row.version));
    return { ...toRecordDetail<'patients'>(row), link: linkOf(row) };
  }

  @Get('patients/:id/sources')
  @ApiOperation({ summary: "Every source's data for this person (the patient, the one it is linked to, and those linked to it), in sections with raw payloads" })
  @ApiOkResponse({ type: PatientSourcesDto })
  patientSources(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<PatientSourcesDto> {
    return this.sourcesOf.sources(auth.organizationId, id);
  }

  @Get('patients/:id/context')
  @ApiOperation({ summary: 'A short Markdown summary of the patient for assistants (contact data, providers, upcoming and recent appointments; no SSN)' })
  @ApiOkResponse({ type: PatientContextDto })
  async patientContext(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<PatientContextDto> {
    return { patientId: id, markdown: await this.context.markdown(auth.organizationId, id) };
  }
}
