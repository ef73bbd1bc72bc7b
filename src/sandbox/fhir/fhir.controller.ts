import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../modules/organizations/auth.context';
import { capabilityStatement, smartConfiguration } from './conformance';
import { FhirSandboxError, FhirSandboxErrorFilter } from './fhir-error';
import { FhirSandbox, FhirTenant } from './fhir-sandbox.service';
import { SandboxResourceType } from './profiles';
import { FHIR_SANDBOX_PREFIX } from './sandbox-options';
import { kickOff } from './bulk-kickoff';
import { searchSlots } from './writes';
import { guardRequest, openTenant } from './tenant-http';
import { SearchQuery, searchPage } from './search';

const FORM_LIMIT_BYTES = 64 * 1024;

/** The form of a token request: parsed by the host's urlencoded parser when it has one, else read here (the hub mounts no urlencoded parser). */
async function formBody(req: Request): Promise<Record<string, string>> {
  if (req.body && typeof req.body === 'object' && Object.keys(req.body as object).length) return req.body as Record<string, string>;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) throw new FhirSandboxError(413, 'too-long', 'Request body too large', {}, 'invalid_request');
    chunks.push(chunk);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

/**
 * The simulated FHIR R4 server of one `{vendor}/{tenant}` (profiles.ts): SMART configuration,
 * CapabilityStatement, a SMART Backend Services token endpoint, search and read of six resource
 * types. Outside the hub's API-key guard and OpenAPI document; 404 everywhere when disabled.
 */
@ApiExcludeController()
@Public()
@UseFilters(FhirSandboxErrorFilter)
@Controller(FHIR_SANDBOX_PREFIX.slice(1))
export class FhirSandboxController {
  constructor(private readonly sandbox: FhirSandbox) {}

  private open(vendor: string, tenant: string, req: Request, res: Response): { t: FhirTenant; base: string } {
    return openTenant(this.sandbox, vendor, tenant, req, res);
  }

  private guard(t: FhirTenant, req: Request): void {
    guardRequest(this.sandbox, t, req);
  }

  private send(res: Response, body: unknown): void {
    res.type('application/fhir+json').send(JSON.stringify(body));
  }

  @Get(':vendor/:tenant/.well-known/smart-configuration')
  smart(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Req() req: Request, @Res() res: Response): void {
    const { t, base } = this.open(vendor, tenant, req, res);
    res.json(smartConfiguration(t.profile, base));
  }

  @Get(':vendor/:tenant/metadata')
  metadata(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Req() req: Request, @Res() res: Response): void {
    const { t, base } = this.open(vendor, tenant, req, res);
    this.send(res, capabilityStatement(t.profile, base));
  }

  /** SMART Backend Services token endpoint (form: grant_type, scope, client_assertion_type, client_assertion; or HTTP Basic). */
  @Post(':vendor/:tenant/auth/token')
  @HttpCode(200)
  async token(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { t, base } = this.open(vendor, tenant, req, res);
    const form = await formBody(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await this.sandbox.issueToken(t.key, `${base}/auth/token`, form, req.headers.authorization));
  }

  @Get(':vendor/:tenant/:type')
  search(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('type') type: string, @Query() query: SearchQuery, @Req() req: Request, @Res() res: Response): void {
    const { t, base } = this.open(vendor, tenant, req, res);
    if (type === '$export') return kickOff(this.sandbox, t, 'system', req, res);
    if (type === 'Slot' && t.profile.writes?.appointment) {
      this.guard(t, req);
      return this.send(res, searchSlots(t, query, base));
    }
    const store = this.store(t, type);
    this.guard(t, req);
    if (query[t.profile.pageParam] && t.faults.expiredCursor > 0) {
      t.faults.expiredCursor--;
      const e = t.profile.expiredCursor ?? { status: 410, issue: 'not-found', text: 'Search results expired; run the search again' };
      throw new FhirSandboxError(e.status, e.issue, e.text, {}, undefined, e.detailCode);
    }
    const linkBase = t.faults.internalHost ? base.replace(/^https?:\/\/[^/]+/, t.faults.internalHost) : base;
    this.send(res, searchPage(store.values(), query, { profile: t.profile, base: linkBase, type: type as SandboxResourceType, tenant, duplicateAcrossPages: t.faults.duplicateAcrossPages, outcomeEntries: t.faults.outcomeEntries }));
  }

  @Get(':vendor/:tenant/:type/:id')
  read(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('type') type: string, @Param('id') id: string, @Req() req: Request, @Res() res: Response): void {
    const { t } = this.open(vendor, tenant, req, res);
    if (type === 'Patient' && id === '$export') return kickOff(this.sandbox, t, 'patient', req, res);
    const store = this.store(t, type);
    this.guard(t, req);
    const resource = store.get(id);
    if (!resource) throw new FhirSandboxError(404, 'not-found', `${type}/${id.slice(0, 64)} not found`);
    res.setHeader('ETag', `W/"${resource.meta?.versionId ?? '1'}"`);
    this.send(res, resource);
  }

  /** Group-level Bulk export kick-off: `Group/{id}/$export` (any group id names the whole population here). */
  @Get(':vendor/:tenant/Group/:id/:operation')
  groupExport(@Param('vendor') vendor: string, @Param('tenant') tenant: string, @Param('operation') operation: string, @Req() req: Request, @Res() res: Response): void {
    const { t } = this.open(vendor, tenant, req, res);
    if (operation !== '$export') throw new FhirSandboxError(404, 'not-supported', 'Unknown Group operation');
    kickOff(this.sandbox, t, 'group', req, res);
  }

  private store(t: FhirTenant, type: string): FhirTenant['data'][SandboxResourceType] {
    if (!(t.profile.types as readonly string[]).includes(type)) throw new FhirSandboxError(404, 'not-supported', `Resource type ${type.slice(0, 40)} is not supported`);
    return t.data[type as SandboxResourceType];
  }
}
