import { Body, Controller, Headers, Param, ParseUUIDPipe, Patch, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiHeaderOptions, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, OrgAuth } from '../organizations/auth.context';
import { AppointmentEditDto, PatientEditDto } from './dtos/record-edit.dto';
import { AppointmentDetailDto, PatientDetailDto } from './dtos/resource-records.dto';
import { etagOf } from './local-edits';
import { linkOf } from './patient-sources.service';
import { RecordEditsService } from './record-edits.service';
import { RecordDetailView, toRecordDetail } from './record-routes';

/** The `If-Match` header of a local edit, as the OpenAPI document shows it. */
const IF_MATCH: ApiHeaderOptions = {
  name: 'If-Match', required: true, example: 'W/"3"',
  description: 'The ETag of the record from its GET (W/"<version>"). Missing: 428; another version: 412.',
};

const SUMMARY = 'locally (partial canonical fields; the source values stay as synced). 428 without If-Match, 412 when stale, 400 naming a bad field';

/**
 * Local edits (docs/conflicts.md): `PATCH /api/v1/patients/:id` and `/appointments/:id` with a
 * partial canonical body and `If-Match`. The body is checked by {@link RecordEditsService}
 * against the canonical types (src/canonical/), not by the ValidationPipe, so a bad field is
 * named with its canonical path. The answer is the record's detail with its new ETag.
 */
@ApiTags('records')
@ApiBearerAuth()
@Controller('api/v1')
export class RecordEditsController {
  constructor(private readonly edits: RecordEditsService) {}

  @Patch('patients/:id')
  @ApiOperation({ summary: `Edit a patient ${SUMMARY}` })
  @ApiHeader(IF_MATCH)
  @ApiBody({ type: PatientEditDto })
  @ApiOkResponse({ type: PatientDetailDto })
  async patient(
    @Param('id', ParseUUIDPipe) id: string, @Body() body: Record<string, unknown>, @Headers('if-match') ifMatch: string | undefined,
    @Auth() auth: OrgAuth, @Res({ passthrough: true }) res: Response,
  ): Promise<PatientDetailDto> {
    const row = await this.edits.edit(auth, 'patients', id, ifMatch, body);
    res.setHeader('ETag', etagOf(row.version));
    return { ...toRecordDetail<'patients'>(row), link: linkOf(row) };
  }

  @Patch('appointments/:id')
  @ApiOperation({ summary: `Edit an appointment ${SUMMARY}` })
  @ApiHeader(IF_MATCH)
  @ApiBody({ type: AppointmentEditDto })
  @ApiOkResponse({ type: AppointmentDetailDto })
  async appointment(
    @Param('id', ParseUUIDPipe) id: string, @Body() body: Record<string, unknown>, @Headers('if-match') ifMatch: string | undefined,
    @Auth() auth: OrgAuth, @Res({ passthrough: true }) res: Response,
  ): Promise<RecordDetailView<'appointments'>> {
    const row = await this.edits.edit(auth, 'appointments', id, ifMatch, body);
    res.setHeader('ETag', etagOf(row.version));
    return toRecordDetail<'appointments'>(row);
  }
}
