import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ResourceType } from '../../providers/provider-adapter';
import { Auth, OrgAuth } from '../organizations/auth.context';
import {
  AppointmentListQueryDto, PatientContextDto, PatientDetailDto, PatientListQueryDto, PatientSourcesDto, RecordDetailDto, RecordDto, RecordListQueryDto, RecordPageDto,
} from './dtos/record.dto';
import { PatientContextService } from './patient-context.service';
import { linkOf, PatientSourcesService } from './patient-sources.service';
import { RecordRow, RecordsService } from './records.service';

function toDto(r: RecordRow): RecordDto {
  return {
    id: r.id, resourceType: r.resource_type, integrationId: r.integration_id, externalId: r.external_id,
    ...(r.resource_type === 'patients' ? {} : { patientId: r.patient_id }),
    data: r.data, version: r.version, deletedAt: r.deleted_at, createdAt: r.created_at, updatedAt: r.updated_at,
    source: {
      integrationId: r.integration_id, vendor: r.vendor, externalId: r.external_id, sourceUpdatedAt: r.source_updated_at,
      lastSyncedAt: r.integration_last_synced_at,
    },
  };
}

function toDetail(r: RecordRow): RecordDetailDto {
  return { ...toDto(r), raw: r.raw };
}

@ApiTags('records')
@ApiBearerAuth()
@Controller('api/v1')
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly context: PatientContextService,
    private readonly sourcesOf: PatientSourcesService,
  ) {}

  private async page(auth: OrgAuth, resource: ResourceType, q: RecordListQueryDto & Record<string, unknown>): Promise<RecordPageDto> {
    const page = await this.records.list(auth.organizationId, resource, { ...q, limit: q.limit ?? 100 });
    return { data: page.data.map(toDto), nextCursor: page.nextCursor };
  }

  @Get('patients')
  @ApiOperation({ summary: 'List patients (deleted ones only with includeDeleted=true)' })
  @ApiOkResponse({ type: RecordPageDto })
  patients(@Query() q: PatientListQueryDto, @Auth() auth: OrgAuth): Promise<RecordPageDto> {
    return this.page(auth, 'patients', { ...q });
  }

  @Get('patients/:id')
  @ApiOperation({ summary: 'One patient with its source, raw source row and link to the same person from another source (also when deleted)' })
  @ApiOkResponse({ type: PatientDetailDto })
  async patient(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<PatientDetailDto> {
    const row = await this.records.get(auth.organizationId, 'patients', id);
    return { ...toDetail(row), link: linkOf(row) };
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

  @Get('appointments')
  @ApiOkResponse({ type: RecordPageDto })
  appointments(@Query() q: AppointmentListQueryDto, @Auth() auth: OrgAuth): Promise<RecordPageDto> {
    return this.page(auth, 'appointments', { ...q });
  }

  @Get('appointments/:id')
  @ApiOkResponse({ type: RecordDetailDto })
  async appointment(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<RecordDetailDto> {
    return toDetail(await this.records.get(auth.organizationId, 'appointments', id));
  }

  @Get('providers')
  @ApiOkResponse({ type: RecordPageDto })
  providers(@Query() q: RecordListQueryDto, @Auth() auth: OrgAuth): Promise<RecordPageDto> {
    return this.page(auth, 'providers', { ...q });
  }

  @Get('providers/:id')
  @ApiOkResponse({ type: RecordDetailDto })
  async provider(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<RecordDetailDto> {
    return toDetail(await this.records.get(auth.organizationId, 'providers', id));
  }

  @Get('locations')
  @ApiOperation({ summary: 'List locations (OpenDental operatories)' })
  @ApiOkResponse({ type: RecordPageDto })
  locations(@Query() q: RecordListQueryDto, @Auth() auth: OrgAuth): Promise<RecordPageDto> {
    return this.page(auth, 'locations', { ...q });
  }

  @Get('locations/:id')
  @ApiOkResponse({ type: RecordDetailDto })
  async location(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth): Promise<RecordDetailDto> {
    return toDetail(await this.records.get(auth.organizationId, 'locations', id));
  }
}
