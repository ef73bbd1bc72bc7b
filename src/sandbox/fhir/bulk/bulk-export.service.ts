import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { FhirResource } from '../../../providers/fhir/fhir-types';
import { FhirSandboxError } from '../fhir-error';
import { FhirSandbox, FhirTenant } from '../fhir-sandbox.service';
import { SANDBOX_RESOURCE_TYPES, SandboxResourceType } from '../profiles';
import { BULK_GROUP_ALL, BulkExportJob, BulkFile, BulkLevel, BulkSettings, DEFAULT_BULK_SETTINGS, PATIENT_COMPARTMENT } from './bulk-types';

/** What a kick-off request asked for (the controller has checked the headers). */
export interface KickOff {
  level: BulkLevel;
  groupId?: string;
  /** `_type` as sent (comma list), `_since` as sent, the full request URL for the manifest. */
  type?: string;
  since?: string;
  outputFormat?: string;
  request: string;
}

const OUTPUT_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

/**
 * The simulated Bulk Data Access server (https://hl7.org/fhir/uv/bulkdata/export.html) behind
 * every sandbox tenant: kick-off snapshots the matching ids (and, with `_since`, the tombstones
 * since then), the job "runs" `exportSeconds` of simulated time compressed by `timeScale`, the
 * manifest lists NDJSON files of at most `linesPerFile` lines, DELETE forgets the job.
 * Settings are mutable so tests and the benchmark drive it in-process.
 */
@Injectable()
export class FhirBulkSandbox {
  readonly settings: BulkSettings = { ...DEFAULT_BULK_SETTINGS };
  private readonly jobs = new Map<string, BulkExportJob>();
  /** Deleted resources per tenant key: what `deleted` files report to a `_since` export. */
  private readonly tombstones = new Map<string, Array<{ type: SandboxResourceType; id: string; at: string }>>();
  /** Status polls per job id: epoch ms of each (tests check that Retry-After was honoured). */
  readonly polls = new Map<string, number[]>();

  constructor(readonly fhir: FhirSandbox) {}

  /** Changes settings (unnamed ones keep their value); returns the result. */
  configure(settings: Partial<BulkSettings>): BulkSettings {
    return Object.assign(this.settings, settings);
  }

  /** Deletes a stored resource as an EHR user would; later `_since` exports list it in `deleted`. @throws FhirSandboxError 404. */
  deleteResource(vendor: string, tenant: string, type: SandboxResourceType, id: string): void {
    const t = this.fhir.tenant(vendor, tenant);
    if (!t.data[type].delete(id)) throw new FhirSandboxError(404, 'not-found', `${type}/${id} not found`);
    const list = this.tombstones.get(t.key) ?? [];
    list.push({ type, id, at: new Date().toISOString() });
    this.tombstones.set(t.key, list);
  }

  /** Makes every running export of every tenant complete now (a test skipping the simulated hours). */
  finishAll(): void {
    for (const job of this.jobs.values()) job.readyAt = Math.min(job.readyAt, Date.now());
  }

  /** Starts an export. @throws FhirSandboxError 400 (bad `_type`, `_since`, `_outputFormat`), 404 (unknown group). */
  kickOff(t: FhirTenant, base: string, ask: KickOff): BulkExportJob {
    if (ask.outputFormat && !OUTPUT_FORMATS.has(ask.outputFormat)) throw new FhirSandboxError(400, 'not-supported', `_outputFormat ${ask.outputFormat.slice(0, 60)} is not supported`);
    const allowed: readonly SandboxResourceType[] = ask.level === 'system' ? SANDBOX_RESOURCE_TYPES : PATIENT_COMPARTMENT;
    const types = ask.type ? ask.type.split(',').map((s) => s.trim()).filter(Boolean) : [...allowed];
    for (const type of types) {
      if (!(allowed as readonly string[]).includes(type)) throw new FhirSandboxError(400, 'not-supported', `_type ${type.slice(0, 40)} is not exported at the ${ask.level} level`);
    }
    const since = ask.since ? Date.parse(ask.since) : null;
    if (since !== null && Number.isNaN(since)) throw new FhirSandboxError(400, 'invalid', '_since is not an instant');
    if (ask.level === 'group' && ask.groupId !== BULK_GROUP_ALL) throw new FhirSandboxError(404, 'not-found', `Group/${(ask.groupId ?? '').slice(0, 64)} not found`);
    const transactionTime = new Date().toISOString();
    const id = randomBytes(12).toString('base64url');
    const files: BulkFile[] = [];
    const chunk = (kind: BulkFile['kind'], type: string, refs: string[]) => {
      for (let i = 0; i < refs.length; i += this.settings.linesPerFile) files.push({ kind, type, refs: refs.slice(i, i + this.settings.linesPerFile) });
    };
    for (const type of types as SandboxResourceType[]) {
      const ids = [...t.data[type].values()]
        .filter((r) => since === null || Date.parse(r.meta?.lastUpdated ?? '') >= since)
        .map((r) => r.id!);
      chunk('output', type, ids);
    }
    if (since !== null) {
      const gone = (this.tombstones.get(t.key) ?? []).filter((d) => types.includes(d.type) && Date.parse(d.at) >= since).map((d) => `${d.type}/${d.id}`);
      chunk('deleted', 'Bundle', gone);
    }
    if (this.settings.errorLines > 0) chunk('error', 'OperationOutcome', Array.from({ length: this.settings.errorLines }, (_, i) => `line-${i + 1}`));
    const job: BulkExportJob = {
      id, tenantKey: t.key, base, request: ask.request, transactionTime, files, secret: randomBytes(16).toString('base64url'),
      startedAt: Date.now(), readyAt: Date.now() + this.settings.exportSeconds * this.settings.timeScale * 1000,
      requiresAccessToken: this.settings.requiresAccessToken,
    };
    this.jobs.set(id, job);
    return job;
  }

  /** The job of a tenant. @throws FhirSandboxError 404 when unknown or deleted. */
  job(t: FhirTenant, id: string): BulkExportJob {
    const job = this.jobs.get(id);
    if (!job || job.tenantKey !== t.key) throw new FhirSandboxError(404, 'not-found', 'Export job not found (deleted or expired)');
    return job;
  }

  /** Forgets a job and its files (`DELETE` on the status URL). @throws FhirSandboxError 404. */
  remove(t: FhirTenant, id: string): void {
    this.job(t, id);
    this.jobs.delete(id);
  }

  /** A job by id and file secret (the storage origin's signed URLs). @throws FhirSandboxError 404. */
  byStorageSecret(id: string, secret: string): BulkExportJob {
    const job = this.jobs.get(id);
    if (!job || job.secret !== secret) throw new FhirSandboxError(404, 'not-found', 'File not found');
    return job;
  }

  /** The manifest of a finished job (export.html#response---complete-status). */
  manifest(job: BulkExportJob): Record<string, unknown> {
    const entry = (n: number, f: BulkFile) => ({ type: f.type, url: `${job.base}/bulk/files/${job.id}/${n}.ndjson`, count: f.refs.length });
    return {
      transactionTime: job.transactionTime, request: job.request, requiresAccessToken: job.requiresAccessToken,
      output: job.files.map((f, n) => [n, f] as const).filter(([, f]) => f.kind === 'output').map(([n, f]) => entry(n, f)),
      deleted: job.files.map((f, n) => [n, f] as const).filter(([, f]) => f.kind === 'deleted').map(([n, f]) => entry(n, f)),
      error: job.files.map((f, n) => [n, f] as const).filter(([, f]) => f.kind === 'error').map(([n, f]) => entry(n, f)),
    };
  }

  /**
   * The lines of file `n`: each output line the resource as stored now (skipped when deleted since
   * kick-off), each deleted line a transaction Bundle with one `DELETE` entry (export.html#bulk-data-delete-request).
   * @throws FhirSandboxError 404 for an unknown file.
   */
  *lines(job: BulkExportJob, n: number): Generator<string> {
    const file = job.files[n];
    if (!file) throw new FhirSandboxError(404, 'not-found', 'File not found');
    const t = this.fhir.tenant(...(job.tenantKey.split('/') as [string, string]));
    for (const ref of file.refs) {
      if (file.kind === 'error') {
        // What servers write for a resource they could not export; diagnostics can quote data, so the client must not copy it.
        yield `${JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', details: { coding: [{ code: 'EXPORT-17' }] }, diagnostics: `Could not export ${ref} (Jane Doe)` }] })}\n`;
        continue;
      }
      if (file.kind === 'deleted') {
        yield `${JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'DELETE', url: ref } }] })}\n`;
        continue;
      }
      const resource: FhirResource | undefined = t.data[file.type as SandboxResourceType].get(ref);
      if (resource) yield `${JSON.stringify(resource)}\n`;
    }
  }
}
