import { Controller, Delete, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../modules/organizations/auth.context';
import { BulkJob, fileOf, manifestOf } from './bulk';
import { FHIR_BULK_PREFIX, FHIR_STORAGE_PREFIX } from './bulk-kickoff';
import { FhirSandboxError, FhirSandboxErrorFilter } from './fhir-error';
import { FhirSandbox, FhirTenant } from './fhir-sandbox.service';
import { guardRequest, openTenant } from './tenant-http';
import type { FhirFaults } from './sandbox-options';

/**
 * Status, manifest, files and cleanup of the simulated Bulk Data exports
 * (https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-status-request): 202 with `X-Progress`
 * and `Retry-After` (the tenant's `bulkRetryAfter`) until the export is ready, then 200 with the
 * manifest; files as NDJSON written line by line; DELETE cancels or cleans up (202). With the
 * `bulkRedirect` fault a file answers 307 to a storage URL that refuses an `Authorization` header.
 */
@ApiExcludeController()
@Public()
@UseFilters(FhirSandboxErrorFilter)
@Controller()
export class FhirBulkController {
  constructor(private readonly sandbox: FhirSandbox) {}

  private job(vendor: string, tenant: string, id: string, req: Request, res: Response): { t: FhirTenant; job: BulkJob; root: string } {
    const { t, root } = openTenant(this.sandbox, vendor, tenant, req, res);
    const job = t.exports.get(id);
    if (!job) throw new FhirSandboxError(404, 'not-found', 'No such export (completed and deleted, or expired)');
    return { t, job, root };
  }

  @Get(`${FHIR_BULK_PREFIX.slice(1)}/:vendor/:tenant/status/:id`)
  status(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): void {
    const { t, job, root } = this.job(vendor, tenant, id, req, res);
    guardRequest(this.sandbox, t, req);
    const now = Date.now();
    if (now < job.readyAt) {
      const progress = Math.floor((100 * (now - job.kickoffAt)) / Math.max(1, job.readyAt - job.kickoffAt));
      res.status(202).setHeader('X-Progress', `${progress}% exported`);
      res.setHeader('Retry-After', String(t.faults.bulkRetryAfter));
      res.end();
      return;
    }
    res.status(200).json(manifestOf(job, (n) => `${root}${FHIR_BULK_PREFIX}/${vendor}/${tenant}/files/${job.id}/${n}`));
  }

  @Delete(`${FHIR_BULK_PREFIX.slice(1)}/:vendor/:tenant/status/:id`)
  remove(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): void {
    const { t, job } = this.job(vendor, tenant, id, req, res);
    guardRequest(this.sandbox, t, req);
    t.exports.delete(job.id);
    res.status(202).end();
  }

  @Get(`${FHIR_BULK_PREFIX.slice(1)}/:vendor/:tenant/files/:id/:n`)
  file(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('id') id: string, @Param('n') n: string, @Req() req: Request, @Res() res: Response): void {
    const { t, job, root } = this.job(vendor, tenant, id, req, res);
    guardRequest(this.sandbox, t, req);
    fileOf(job, Number(n));
    if (t.faults.bulkRedirect) {
      res.redirect(307, `${root}${FHIR_STORAGE_PREFIX}/${vendor}/${tenant}/${job.id}/${Number(n)}?signature=sandbox`);
      return;
    }
    this.stream(res, job, Number(n), t.faults);
  }

  /** The storage service behind a redirect: pre-signed URLs take no `Authorization` header (S3 answers 400 to one). */
  @Get(`${FHIR_STORAGE_PREFIX.slice(1)}/:vendor/:tenant/:id/:n`)
  storage(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('id') id: string, @Param('n') n: string, @Req() req: Request, @Res() res: Response): void {
    const { t, job } = this.job(vendor, tenant, id, req, res);
    if (req.headers.authorization) throw new FhirSandboxError(400, 'security', 'Only one auth mechanism allowed: the URL is pre-signed');
    this.stream(res, job, Number(n), t.faults);
  }

  private stream(res: Response, job: BulkJob, n: number, faults: FhirFaults): void {
    const file = fileOf(job, n);
    res.status(200).type('application/fhir+ndjson');
    const lines = faults.bulkBadLine && file.lines.length > 1 ? [file.lines[0], '{"resourceType": "Patient", "id": ', ...file.lines.slice(2)] : file.lines;
    const stall = faults.bulkStallAfterLines;
    for (const line of stall > 0 ? lines.slice(0, stall) : lines) res.write(`${line}\n`);
    if (stall > 0 && lines.length > stall) return; // a stalled server: the connection stays open, nothing more comes
    res.end();
  }
}
