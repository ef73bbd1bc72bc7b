import { randomBytes } from 'node:crypto';
import type { FhirResource } from '../../providers/fhir/fhir-types';
import { FhirSandboxError } from './fhir-error';
import type { FhirTenant } from './fhir-sandbox.service';
import { SandboxResourceType } from './profiles';

/** Export levels (https://hl7.org/fhir/uv/bulkdata/export.html#endpoint---system-level-export and the Group/Patient ones). */
export type BulkLevel = 'system' | 'group' | 'patient';

/** One file of an export: its type and NDJSON lines (built at kick-off: a snapshot at `transactionTime`). */
interface BulkFile {
  type: string;
  lines: string[];
}

/** An export job of one tenant. Times in epoch ms. */
export interface BulkJob {
  id: string;
  tenantKey: string;
  request: string;
  transactionTime: string;
  readyAt: number;
  kickoffAt: number;
  output: BulkFile[];
  deleted: BulkFile[];
  /** OperationOutcomes of resources the server could not export (fault `bulkErrorLines`). */
  error: BulkFile[];
}

/** How the simulated exports behave (FhirSandboxOptions / faults). */
export interface BulkSettings {
  /** Real milliseconds from kick-off to a complete manifest (Retry-After hours compressed). */
  readyAfterMs: number;
  /** NDJSON lines per file. */
  fileLines: number;
}

/**
 * Builds an export at kick-off (Bulk Data Access IG 2.0, https://hl7.org/fhir/uv/bulkdata/export.html):
 * `_type` (comma list, default every type the profile serves), `_since` (resources with a later
 * `meta.lastUpdated`; deletions after it go to `deleted` files as Bundles of DELETE requests),
 * `_outputFormat` ndjson only. Files hold at most `fileLines` lines.
 * @throws FhirSandboxError 400 for a type, format or `_since` the server does not take.
 */
export function startExport(t: FhirTenant, query: Record<string, string | undefined>, request: string, settings: BulkSettings): BulkJob {
  const format = query._outputFormat;
  if (format && !['application/fhir+ndjson', 'application/ndjson', 'ndjson'].includes(format)) throw new FhirSandboxError(400, 'not-supported', '_outputFormat must be application/fhir+ndjson');
  const types = (query._type ? query._type.split(',') : [...t.profile.types]) as SandboxResourceType[];
  for (const type of types) if (!t.profile.types.includes(type)) throw new FhirSandboxError(400, 'not-supported', `_type ${type.slice(0, 40)} is not exported`);
  const since = query._since ? Date.parse(query._since) : null;
  if (since !== null && Number.isNaN(since)) throw new FhirSandboxError(400, 'invalid', '_since is not an instant');
  const now = Date.now();
  const chunk = (type: string, items: unknown[]): BulkFile[] => {
    const files: BulkFile[] = [];
    for (let i = 0; i < items.length; i += settings.fileLines) files.push({ type, lines: items.slice(i, i + settings.fileLines).map((r) => JSON.stringify(r)) });
    return files;
  };
  const output = types.flatMap((type) => chunk(type, [...t.data[type].values()]
    .filter((r: FhirResource) => since === null || Date.parse(r.meta?.lastUpdated ?? '') > since)));
  const gone = since === null ? [] : t.deletions.filter((d) => types.includes(d.type) && d.at > since);
  const deleted = gone.length ? chunk('Bundle', [{
    resourceType: 'Bundle', type: 'transaction',
    entry: gone.map((d) => ({ request: { method: 'DELETE', url: `${d.type}/${d.id}` } })),
  }]) : [];
  // diagnostics quote data, as real servers' do: the client must copy codes only.
  const error = chunk('OperationOutcome', Array.from({ length: t.faults.bulkErrorLines }, (_, i) => ({
    resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', details: { coding: [{ code: 'EXPORT-17' }] }, diagnostics: `Could not export ${types[0]} number ${i + 1} (Jane Doe)` }],
  })));
  return { id: randomBytes(12).toString('hex'), tenantKey: t.key, request, transactionTime: new Date(now).toISOString(), kickoffAt: now, readyAt: now + settings.readyAfterMs, output, deleted, error };
}

/** The completed manifest (https://hl7.org/fhir/uv/bulkdata/export.html#response---complete-status). */
export function manifestOf(job: BulkJob, fileUrl: (n: number) => string): Record<string, unknown> {
  let n = 0;
  const entry = (f: BulkFile) => ({ type: f.type, url: fileUrl(n++), count: f.lines.length });
  return {
    transactionTime: job.transactionTime, request: job.request, requiresAccessToken: true,
    output: job.output.map(entry), deleted: job.deleted.map(entry), error: job.error.map(entry),
  };
}

/** File `n` of a job (output files first, then deleted ones, then error ones). @throws FhirSandboxError 404. */
export function fileOf(job: BulkJob, n: number): BulkFile {
  const file = [...job.output, ...job.deleted, ...job.error][n];
  if (!file) throw new FhirSandboxError(404, 'not-found', 'No such export file');
  return file;
}
