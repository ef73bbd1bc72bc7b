import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { AppointmentDataDto } from './canonical/appointment.dto';
import { BalanceDataDto } from './canonical/balance.dto';
import { CoverageDataDto } from './canonical/coverage.dto';
import { DocumentReferenceDataDto } from './canonical/document-reference.dto';
import { LocationDataDto } from './canonical/location.dto';
import { PatientDataDto } from './canonical/patient.dto';
import { PractitionerDataDto } from './canonical/practitioner.dto';
import { PatientLinkDto, RecordBaseDto } from './record.dto';
import { FieldEditDto } from './record-edit.dto';

/**
 * Per-resource record, detail and page DTOs, so each route of the OpenAPI document shows the
 * canonical schema of its resource's `data` (src/canonical/, typed after FHIR R4) instead of a
 * free-form object. Each exported class is named after its resource: the schema names in
 * openapi/openapi.json are the class names.
 */

/** A record whose `data` is `dataDto` (the list item). */
function recordOf<D>(dataDto: Type<D>) {
  abstract class ResourceRecordDto extends RecordBaseDto {
    @ApiProperty({ type: dataDto, description: 'The canonical fields of the resource (field tables in docs/canonical-model.md).' })
    data: D;
  }
  return ResourceRecordDto;
}

/** A record with `data` and its raw source row (the `GET …/:id` answer). */
function detailOf<D>(dataDto: Type<D>) {
  abstract class ResourceDetailDto extends recordOf(dataDto) {
    @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'The source row as read (sensitive columns such as SSN removed).' })
    raw: Record<string, unknown> | null;

    @ApiProperty({
      type: 'object', additionalProperties: { $ref: getSchemaPath(FieldEditDto) },
      description: 'Locally edited fields (PATCH), by canonical field: the local value `data` shows, the source value and the base. Empty when nothing was edited.',
    })
    edits: Record<string, FieldEditDto>;
  }
  return ResourceDetailDto;
}

/** One keyset page of `recordDto` items. */
function pageOf<R>(recordDto: Type<R>) {
  abstract class ResourcePageDto {
    @ApiProperty({ type: recordDto, isArray: true, description: 'The records of this page.' })
    data: R[];

    @ApiPropertyOptional({ nullable: true, type: String, description: 'Cursor of the next page, or null on the last page.' })
    nextCursor: string | null;
  }
  return ResourcePageDto;
}

export class PatientRecordDto extends recordOf(PatientDataDto) {}
export class PatientPageDto extends pageOf(PatientRecordDto) {}
/** A patient with its raw source row and its link to the same person from another source. */
export class PatientDetailDto extends detailOf(PatientDataDto) {
  @ApiPropertyOptional({ type: PatientLinkDto, nullable: true, description: 'Set when this patient was linked to the same person from another source.' })
  link: PatientLinkDto | null;
}

export class PractitionerRecordDto extends recordOf(PractitionerDataDto) {}
export class PractitionerPageDto extends pageOf(PractitionerRecordDto) {}
export class PractitionerDetailDto extends detailOf(PractitionerDataDto) {}

export class LocationRecordDto extends recordOf(LocationDataDto) {}
export class LocationPageDto extends pageOf(LocationRecordDto) {}
export class LocationDetailDto extends detailOf(LocationDataDto) {}

export class AppointmentRecordDto extends recordOf(AppointmentDataDto) {}
export class AppointmentPageDto extends pageOf(AppointmentRecordDto) {}
export class AppointmentDetailDto extends detailOf(AppointmentDataDto) {}

export class CoverageRecordDto extends recordOf(CoverageDataDto) {}
export class CoveragePageDto extends pageOf(CoverageRecordDto) {}
export class CoverageDetailDto extends detailOf(CoverageDataDto) {}

export class DocumentReferenceRecordDto extends recordOf(DocumentReferenceDataDto) {}
export class DocumentReferencePageDto extends pageOf(DocumentReferenceRecordDto) {}
export class DocumentReferenceDetailDto extends detailOf(DocumentReferenceDataDto) {}

export class BalanceRecordDto extends recordOf(BalanceDataDto) {}
export class BalancePageDto extends pageOf(BalanceRecordDto) {}
export class BalanceDetailDto extends detailOf(BalanceDataDto) {}
