import { Controller, Get, Param, ParseUUIDPipe, Query, Res, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { CanonicalData } from '../../canonical';
import { ResourceType } from '../../providers/provider-adapter';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { AppointmentListQueryDto, PatientRecordListQueryDto, RecordBaseDto, RecordListQueryDto } from './dtos/record.dto';
import {
  AppointmentDetailDto, AppointmentPageDto, BalanceDetailDto, BalancePageDto, CoverageDetailDto, CoveragePageDto, DocumentReferenceDetailDto,
  DocumentReferencePageDto, LocationDetailDto, LocationPageDto, PractitionerDetailDto, PractitionerPageDto,
} from './dtos/resource-records.dto';
import { editsView, etagOf, FieldEditView } from './local-edits';
import { RecordRow, RecordsService } from './records.service';

/** A stored record of resource `R` as the API returns it. */
export type RecordView<R extends ResourceType = ResourceType> = RecordBaseDto & { data: CanonicalData[R] };
/** A stored record with its raw source row. */
export type RecordDetailView<R extends ResourceType = ResourceType> = RecordView<R> & { raw: Record<string, unknown> | null; edits: Record<string, FieldEditView> };

/**
 * A stored record's `data` jsonb as resource `R`'s canonical type. The writer stores mapper
 * output, whose shape the canonical contract test holds to src/canonical/ (and
 * `npm run records:rederive` brings older rows to it); test/openapi-schemas.e2e.spec.ts checks
 * the API's answers against the same schemas.
 */
export function canonicalData<R extends ResourceType>(data: Record<string, unknown>): CanonicalData[R] {
  return data as unknown as CanonicalData[R];
}

/** A stored record as the API returns it (`patientId` only on patient-owned resources). */
export function toRecordDto<R extends ResourceType = ResourceType>(r: RecordRow): RecordView<R> {
  return {
    id: r.id, resourceType: r.resource_type, integrationId: r.integration_id, externalId: r.external_id,
    ...(r.resource_type === 'patients' ? {} : { patientId: r.patient_id }),
    data: canonicalData<R>(r.data), version: r.version, deletedAt: r.deleted_at, createdAt: r.created_at, updatedAt: r.updated_at,
    source: {
      integrationId: r.integration_id, vendor: r.vendor, externalId: r.external_id, sourceUpdatedAt: r.source_updated_at,
      lastSyncedAt: r.integration_last_synced_at,
    },
  };
}

/** A stored record with its raw source row and its local edits (the `GET …/:id` answer). */
export function toRecordDetail<R extends ResourceType = ResourceType>(r: RecordRow): RecordDetailView<R> {
  return { ...toRecordDto<R>(r), raw: r.raw, edits: editsView(r.local_data, r.source_data) };
}

/** One resource's list and read routes: `GET /api/v1/<resource>` and `GET /api/v1/<resource>/:id`. */
interface RecordRouteSpec {
  resource: ResourceType;
  /** Singular name for operation ids (`Records_<plural>`, `Records_<singular>`, as the hand-written routes had). */
  singular: string;
  /** Query DTO of the list: the filters this resource supports. */
  query: Type<RecordListQueryDto>;
  listSummary: string;
  getSummary: string;
  /** Response DTOs naming the resource's canonical `data` schema in the OpenAPI document. */
  page: Type<unknown>;
  detail: Type<unknown>;
}

/**
 * Makes the controller of one stored resource: a keyset-paged, organization-scoped list with
 * the filters of `spec.query` (bad values answer 400 naming the field, through the global
 * ValidationPipe) and a read by our id (another organization's id answers 404). Both go through
 * {@link RecordsService}, so every resource pages, filters and scopes the same way.
 */
function recordRoutes(spec: RecordRouteSpec): Type<unknown> {
  const { resource, singular } = spec;

  @ApiTags('records')
  @ApiBearerAuth()
  @Controller('api/v1')
  class ResourceRoutes {
    constructor(readonly records: RecordsService) {}

    @Get(resource)
    @ApiOperation({ summary: spec.listSummary, operationId: `Records_${resource}` })
    @ApiOkResponse({ type: spec.page })
    async list(@Query() q: RecordListQueryDto & Record<string, unknown>, @Auth() auth: OrgAuth): Promise<{ data: RecordView[]; nextCursor: string | null }> {
      const page = await this.records.list(auth.organizationId, resource, { ...q, limit: q.limit ?? 100 });
      return { data: page.data.map(toRecordDto), nextCursor: page.nextCursor };
    }

    @Get(`${resource}/:id`)
    @ApiOperation({ summary: spec.getSummary, operationId: `Records_${singular}` })
    @ApiOkResponse({ type: spec.detail })
    async get(@Param('id', ParseUUIDPipe) id: string, @Auth() auth: OrgAuth, @Res({ passthrough: true }) res: Response): Promise<RecordDetailView> {
      const row = await this.records.get(auth.organizationId, resource, id);
      res.setHeader('ETag', etagOf(row.version));
      return toRecordDetail(row);
    }
  }

  // The query DTO differs per resource: the ValidationPipe and the OpenAPI document read it from here.
  Reflect.defineMetadata('design:paramtypes', [spec.query, Object], ResourceRoutes.prototype, 'list');
  Object.defineProperty(ResourceRoutes, 'name', { value: `${resource.replace(/^./, (c) => c.toUpperCase())}RecordsController` });
  return ResourceRoutes;
}

/** The list and read routes of every stored resource but patients (whose routes add links, sources and context). */
export const RECORD_ROUTE_CONTROLLERS: Type<unknown>[] = [
  recordRoutes({
    resource: 'appointments', singular: 'appointment', query: AppointmentListQueryDto, page: AppointmentPageDto, detail: AppointmentDetailDto,
    listSummary: 'List appointments (filters: patient, start range, FHIR status)', getSummary: 'One appointment with its raw source row and local edits (also when deleted); ETag W/"<version>"',
  }),
  recordRoutes({
    resource: 'providers', singular: 'provider', query: RecordListQueryDto, page: PractitionerPageDto, detail: PractitionerDetailDto,
    listSummary: 'List providers (practitioners)', getSummary: 'One provider with its raw source row (also when deleted)',
  }),
  recordRoutes({
    resource: 'locations', singular: 'location', query: RecordListQueryDto, page: LocationPageDto, detail: LocationDetailDto,
    listSummary: 'List locations (OpenDental operatories)', getSummary: 'One location with its raw source row (also when deleted)',
  }),
  recordRoutes({
    resource: 'coverages', singular: 'coverage', query: PatientRecordListQueryDto, page: CoveragePageDto, detail: CoverageDetailDto,
    listSummary: "List coverages (a patient's insurance plans)", getSummary: 'One coverage with its raw source row (also when deleted)',
  }),
  recordRoutes({
    resource: 'documents', singular: 'document', query: PatientRecordListQueryDto, page: DocumentReferencePageDto, detail: DocumentReferenceDetailDto,
    listSummary: "List documents (metadata of a patient's stored files; never the file content)", getSummary: 'One document with its raw source row (also when deleted)',
  }),
  recordRoutes({
    resource: 'balances', singular: 'balance', query: PatientRecordListQueryDto, page: BalancePageDto, detail: BalanceDetailDto,
    listSummary: 'List balances (guarantor account balances)', getSummary: 'One balance with its raw source row (also when deleted)',
  }),
];
