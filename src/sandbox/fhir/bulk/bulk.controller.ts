import { Controller, Delete, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { Public } from '../../../modules/organizations/auth.context';
import { FhirSandboxError, FhirSandboxErrorFilter } from '../fhir-error';
import { FhirTenant } from '../fhir-sandbox.service';
import { FHIR_SANDBOX_PREFIX } from '../sandbox-options';
import { FhirBulkSandbox } from './bulk-export.service';
import { BULK_LEVELS, BulkExportJob, BulkLevel } from './bulk-types';

type ExportQuery = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(',') : v);

/** The storage origin of redirected files: the same server under the other loopback name (any other host: itself). */
function otherOrigin(req: Request): string {
  const host = req.get('host') ?? '';
  const swapped = host.startsWith('localhost') ? host.replace(/^localhost/, '127.0.0.1') : host.startsWith('127.0.0.1') ? host.replace(/^127\.0\.0\.1/, 'localhost') : host;
  return `${req.protocol}://${swapped}`;
}

/**
 * Bulk Data Access of the simulated FHIR servers (https://hl7.org/fhir/uv/bulkdata/export.html):
 * kick-off at the system, Patient and Group levels (`Prefer: respond-async`, `_type`, `_since`,
 * `_outputFormat`), the status URL (202 with `Retry-After` and `X-Progress`, then the manifest;
 * DELETE cancels or cleans up), NDJSON files (optionally a 307 to another origin, where no
 * token is needed: a signed-URL stand-in). Registered before the search controller so `$export`
 * is not taken for a resource type.
 */
@ApiExcludeController()
@Public()
@UseFilters(FhirSandboxErrorFilter)
@Controller(FHIR_SANDBOX_PREFIX.slice(1))
export class FhirBulkController {
  constructor(private readonly bulk: FhirBulkSandbox) {}

  private open(vendor: string, tenant: string, req: Request, res: Response, bearerRequired = true): { t: FhirTenant; base: string } {
    const sandbox = this.bulk.fhir;
    if (!sandbox.enabled) throw new FhirSandboxError(404, 'not-found', 'Not found');
    const t = sandbox.tenant(vendor, tenant);
    const entry: FhirTenant['log'][number] = { method: req.method, path: req.path, status: null, bearer: !!req.headers.authorization?.startsWith('Bearer ') };
    t.log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (bearerRequired && (!bearer || !sandbox.tokenValid(t.key, bearer[1]))) {
      throw new FhirSandboxError(401, 'login', 'Access token missing, invalid or expired', { 'WWW-Authenticate': 'Bearer' });
    }
    if (bearerRequired && t.faults.throttle > 0) {
      // The tenant's 429 burst (FhirSandbox.setFaults) reaches kick-off, status polls and files too (bulk-data-client#18).
      t.faults.throttle--;
      throw new FhirSandboxError(429, 'throttled', 'Too many requests', { 'Retry-After': String(t.faults.retryAfter) });
    }
    return { t, base: `${req.protocol}://${req.get('host')}${FHIR_SANDBOX_PREFIX}/${vendor}/${tenant}` };
  }

  private kickOff(level: BulkLevel, vendor: string, tenant: string, query: ExportQuery, req: Request, res: Response, groupId?: string): void {
    const { t, base } = this.open(vendor, tenant, req, res);
    if (!(t.profile.bulkExportLevels ?? BULK_LEVELS).includes(level)) throw new FhirSandboxError(404, 'not-supported', `This server has no ${level}-level $export`);
    if (!/respond-async/i.test(req.get('prefer') ?? '')) throw new FhirSandboxError(400, 'invalid', 'Prefer: respond-async is required');
    for (const name of Object.keys(query)) {
      if (!['_type', '_since', '_outputFormat'].includes(name)) throw new FhirSandboxError(400, 'not-supported', `Parameter ${name.slice(0, 40)} is not supported`);
    }
    const job = this.bulk.kickOff(t, base, {
      level, groupId, type: one(query._type), since: one(query._since), outputFormat: one(query._outputFormat), request: `${req.protocol}://${req.get('host')}${req.originalUrl}`,
    });
    res.status(202).setHeader('Content-Location', `${base}/bulk/status/${job.id}`);
    res.end();
  }

  @Get(':vendor/:tenant/$export')
  system(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Query() query: ExportQuery, @Req() req: Request, @Res() res: Response): void {
    this.kickOff('system', vendor, tenant, query, req, res);
  }

  @Get(':vendor/:tenant/Patient/$export')
  patient(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Query() query: ExportQuery, @Req() req: Request, @Res() res: Response): void {
    this.kickOff('patient', vendor, tenant, query, req, res);
  }

  @Get(':vendor/:tenant/Group/:id/$export')
  group(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('id') id: string, @Query() query: ExportQuery, @Req() req: Request, @Res() res: Response): void {
    this.kickOff('group', vendor, tenant, query, req, res, id);
  }

  /** Status: 202 while running (Retry-After, X-Progress), 200 with the manifest when done. */
  @Get(':vendor/:tenant/bulk/status/:job')
  status(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('job') id: string, @Req() req: Request, @Res() res: Response): void {
    const { t } = this.open(vendor, tenant, req, res);
    const job = this.bulk.job(t, id);
    const polls = this.bulk.polls.get(id) ?? [];
    polls.push(Date.now());
    this.bulk.polls.set(id, polls);
    const now = Date.now();
    if (now < job.readyAt) {
      const { retryAfterSeconds, timeScale } = this.bulk.settings;
      const percent = Math.floor((100 * (now - job.startedAt)) / Math.max(1, job.readyAt - job.startedAt));
      res.status(202).setHeader('Retry-After', String(Math.max(1, Math.round(retryAfterSeconds * timeScale))));
      res.setHeader('X-Progress', `in-progress (${percent}%)`);
      res.end();
      return;
    }
    res.status(200).type('application/json').send(JSON.stringify(this.bulk.manifest(job)));
  }

  /** Cancels a running export or deletes a finished one's files (export.html#bulk-data-delete-request): 202. */
  @Delete(':vendor/:tenant/bulk/status/:job')
  remove(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('job') id: string, @Req() req: Request, @Res() res: Response): void {
    const { t } = this.open(vendor, tenant, req, res);
    this.bulk.remove(t, id);
    res.status(202).end();
  }

  /** One NDJSON file at the FHIR base's origin (bearer needed when the manifest says so), or a 307 to the storage origin. */
  @Get(':vendor/:tenant/bulk/files/:job/:file')
  file(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('job') id: string, @Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    const { t } = this.open(vendor, tenant, req, res, this.bulk.settings.requiresAccessToken);
    const job = this.bulk.job(t, id);
    const n = Number.parseInt(file, 10);
    if (this.bulk.settings.redirectFiles) {
      res.redirect(307, `${otherOrigin(req)}${FHIR_SANDBOX_PREFIX}/_storage/${job.id}/${n}.ndjson?sig=${job.secret}`);
      return;
    }
    this.stream(job, n, res);
  }

  /** The storage origin: no token, a per-job secret in the URL. Logged on the tenant like any request. */
  @Get('_storage/:job/:file')
  storage(@Param('job') id: string, @Param('file') file: string, @Query('sig') sig: string, @Req() req: Request, @Res() res: Response): void {
    const job = this.bulk.byStorageSecret(id, String(sig ?? ''));
    const t = this.bulk.fhir.tenant(...(job.tenantKey.split('/') as [string, string]));
    const entry: FhirTenant['log'][number] = { method: req.method, path: req.path, status: null, bearer: !!req.headers.authorization };
    t.log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    this.stream(job, Number.parseInt(file, 10), res);
  }

  private stream(job: BulkExportJob, n: number, res: Response): void {
    const lines = this.bulk.lines(job, n);
    const first = lines.next(); // a 404 for an unknown file is thrown here, before any byte is sent
    res.status(200).type('application/fhir+ndjson');
    const stallAfter = this.bulk.settings.stallAfterLines;
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const rest = (async function* () {
      let n = 0;
      for (let line = first; !line.done; line = lines.next()) {
        if (stallAfter > 0 && n++ >= stallAfter) {
          await closed; // a stalled server: the connection stays open, nothing more is sent
          return;
        }
        yield line.value;
      }
    })();
    Readable.from(rest).pipe(res);
  }
}
