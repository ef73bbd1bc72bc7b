import { Controller, HttpCode, Param, Patch, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { FhirResource } from '../../providers/fhir/fhir-types';
import { Public } from '../../modules/organizations/auth.context';
import { FhirSandboxError, FhirSandboxErrorFilter } from './fhir-error';
import { FhirSandbox } from './fhir-sandbox.service';
import { FHIR_SANDBOX_PREFIX } from './sandbox-options';
import { guardRequest, openTenant } from './tenant-http';
import { createAppointment, createPatient, patchAppointment } from './writes';

const BODY_LIMIT_BYTES = 64 * 1024;

/** A JSON body (FHIR, JSON Patch): parsed by the host when it did, else read here (the hub parses application/json only). */
async function jsonBody(req: Request): Promise<unknown> {
  if (req.body && typeof req.body === 'object' && Object.keys(req.body as object).length) return req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new FhirSandboxError(413, 'too-long', 'Request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new FhirSandboxError(400, 'structure', 'Body is not JSON');
  }
}

/**
 * Writes of the simulated servers whose profile takes them (`writes`, writes.ts): `POST Patient`
 * (Epic, Oracle Health), `POST Appointment` with a Slot and `PATCH Appointment/{id}` with
 * `If-Match` (Oracle Health). Answers carry `ETag: W/"{versionId}"` and `Location`.
 */
@ApiExcludeController()
@Public()
@UseFilters(FhirSandboxErrorFilter)
@Controller(FHIR_SANDBOX_PREFIX.slice(1))
export class FhirWritesController {
  constructor(private readonly sandbox: FhirSandbox) {}

  @Post(':vendor/:tenant/:type')
  @HttpCode(201)
  async create(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('type') type: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { t, base } = openTenant(this.sandbox, vendor, tenant, req, res);
    guardRequest(this.sandbox, t, req);
    const writes = t.profile.writes;
    const body = (await jsonBody(req)) as FhirResource;
    let created: FhirResource;
    if (type === 'Patient' && writes?.patient) created = createPatient(t, body);
    else if (type === 'Appointment' && writes?.appointment) created = createAppointment(t, body);
    else throw new FhirSandboxError(405, 'not-supported', `create is not supported on ${type.slice(0, 40)}`);
    if (t.faults.loseWriteAnswers > 0) {
      t.faults.loseWriteAnswers--;
      req.socket.destroy(); // created, but the client never hears it
      return;
    }
    this.answer(res.status(201).setHeader('Location', `${base}/${type}/${created.id}/_history/${created.meta?.versionId}`), created);
  }

  @Patch(':vendor/:tenant/:type/:id')
  async patch(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('type') type: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { t } = openTenant(this.sandbox, vendor, tenant, req, res);
    guardRequest(this.sandbox, t, req);
    if (type !== 'Appointment' || !t.profile.writes?.appointment) throw new FhirSandboxError(405, 'not-supported', `patch is not supported on ${type.slice(0, 40)}`);
    if (!String(req.headers['content-type'] ?? '').includes('application/json-patch+json')) throw new FhirSandboxError(415, 'not-supported', 'Content-Type must be application/json-patch+json');
    const header = req.headers['if-match'];
    this.answer(res.status(200), patchAppointment(t, id, Array.isArray(header) ? header[0] : header, await jsonBody(req)));
  }

  private answer(res: Response, resource: FhirResource): void {
    res.setHeader('ETag', `W/"${resource.meta?.versionId ?? '1'}"`);
    res.type('application/fhir+json').send(JSON.stringify(resource));
  }
}
