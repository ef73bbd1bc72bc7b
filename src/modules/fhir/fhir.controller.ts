import { All, Controller, Get, Header, Param, Req, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Auth, OrgAuth, Public } from '../organizations/auth.context';
import { FhirObject } from './converters/datatypes';
import { capabilityStatement } from './capability-statement';
import { FhirException, FhirExceptionCode } from './fhir.exception';
import { FhirExceptionFilter } from './fhir-exception.filter';
import { FHIR_CONTENT_TYPE, FhirType, isServedType } from './fhir-resource-types';
import { FhirStoreService } from './fhir-store.service';

/** The server's base URL as the caller reached it (`http://host/fhir/R4`), for fullUrl and links. */
function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/fhir/R4`;
}

/** True when the request asks for lenient handling of unknown parameters (http://hl7.org/fhir/R4/search.html#errors). */
function lenient(req: Request): boolean {
  return (req.header('prefer') ?? '').split(/[,;]/).some((p) => p.trim().toLowerCase() === 'handling=lenient');
}

function servedType(type: string): FhirType {
  if (!isServedType(type)) throw new FhirException(FhirExceptionCode.UNKNOWN_TYPE, `Resource type "${type.slice(0, 64)}" is not served here (see /fhir/R4/metadata)`);
  return type;
}

/**
 * FHIR R4 read API over the store (docs/fhir-api.md): `GET /fhir/R4/metadata`, read and search
 * of Patient, Practitioner, Location, Appointment, Coverage and DocumentReference
 * (http://hl7.org/fhir/R4/http.html). Same API keys and tenancy as /api/v1; metadata is public.
 * Every answer is `application/fhir+json`; errors are OperationOutcomes ({@link FhirExceptionFilter}).
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/R4')
@UseFilters(FhirExceptionFilter)
export class FhirController {
  constructor(private readonly store: FhirStoreService) {}

  @Get('metadata')
  @Public()
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  @ApiOperation({ summary: 'FHIR CapabilityStatement of what /fhir/R4 serves (no API key needed)' })
  @ApiOkResponse({ description: 'A FHIR R4 CapabilityStatement (application/fhir+json)' })
  metadata(@Req() req: Request): FhirObject {
    return capabilityStatement(baseOf(req));
  }

  @Get(':type')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  @ApiOperation({ summary: 'FHIR search: a searchset Bundle of one resource type (parameters in the CapabilityStatement)' })
  @ApiParam({ name: 'type', description: 'FHIR resource type', example: 'Patient' })
  @ApiOkResponse({ description: 'A FHIR R4 Bundle of type searchset (application/fhir+json)' })
  async search(@Param('type') type: string, @Req() req: Request, @Auth() auth: OrgAuth): Promise<FhirObject> {
    const served = servedType(type);
    const query = new URLSearchParams(req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '');
    const page = await this.store.search(auth.organizationId, served, query, lenient(req));
    const base = baseOf(req);
    const link = [{ relation: 'self', url: `${base}/${served}${query.size ? `?${query}` : ''}` }];
    if (page.nextCursor) {
      const next = new URLSearchParams(query);
      next.set('_cursor', page.nextCursor);
      link.push({ relation: 'next', url: `${base}/${served}?${next}` });
    }
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      link,
      entry: page.resources.length
        ? page.resources.map((resource) => ({ fullUrl: `${base}/${served}/${String(resource.id)}`, resource, search: { mode: 'match' } }))
        : undefined,
    };
  }

  @Get(':type/:id')
  @Header('Content-Type', FHIR_CONTENT_TYPE)
  @ApiOperation({ summary: 'FHIR read of one resource by our record id (404 unknown, 410 deleted)' })
  @ApiParam({ name: 'type', description: 'FHIR resource type', example: 'Patient' })
  @ApiParam({ name: 'id', description: 'Our record id (uuid)', example: '0b6f3f0e-1c1a-4d8e-9a43-7b2f0d1c9e11' })
  @ApiOkResponse({ description: 'The FHIR R4 resource (application/fhir+json)' })
  read(@Param('type') type: string, @Param('id') id: string, @Auth() auth: OrgAuth): Promise<FhirObject> {
    return this.store.read(auth.organizationId, servedType(type), id);
  }

  /** Anything else under /fhir/R4: 404 (GET) or 405 (other methods) OperationOutcome, not the REST API's error body. */
  @All('*path')
  @ApiExcludeEndpoint()
  other(@Req() req: Request): never {
    if (req.method !== 'GET') throw new FhirException(FhirExceptionCode.METHOD_NOT_ALLOWED, `${req.method} is not supported: this FHIR API is read-only`);
    throw new FhirException(FhirExceptionCode.NOT_FOUND, 'No such FHIR route (see /fhir/R4/metadata)');
  }
}
