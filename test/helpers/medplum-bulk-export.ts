import { parseSearchRequest } from '@medplum/core';
import type { MemoryRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

interface ExportJob {
  transactionTime: string;
  polls: number;
  files: Map<string, string>;
  types: string[];
}

/**
 * A small system-level Bulk Data `$export` (https://hl7.org/fhir/uv/bulkdata/export.html) on
 * top of the MemoryRepository's search: `@medplum/fhir-router` offers none (Medplum's server
 * runs exports as its own jobs). Kick-off `GET $export?_type=&_since=` with `Prefer:
 * respond-async` → 202 and a `Content-Location`; the first status poll answers 202 with
 * `Retry-After: 0` and `X-Progress`, the next the manifest (`requiresAccessToken: true`); files
 * are NDJSON; `DELETE` of the status URL removes the job. No `deleted` files (as Medplum).
 */
export class MedplumBulkExports {
  private readonly jobs = new Map<string, ExportJob>();
  /** Kick-offs and deletes, for the spec. */
  readonly kickoffs: string[] = [];
  readonly deletes: string[] = [];

  constructor(private readonly repo: MemoryRepository, private readonly base: () => string) {}

  handles(relative: string): boolean {
    return relative === '$export' || relative.startsWith('bulkstatus/') || relative.startsWith('bulkfile/');
  }

  async handle(method: string, relative: string, url: URL, res: ServerResponse): Promise<void> {
    if (relative === '$export') return this.kickoff(url, res);
    const [kind, id, file] = relative.split('/');
    const job = this.jobs.get(id);
    if (!job) return void res.writeHead(404).end();
    if (kind === 'bulkstatus' && method === 'DELETE') {
      this.jobs.delete(id);
      this.deletes.push(id);
      return void res.writeHead(202).end();
    }
    if (kind === 'bulkstatus') {
      if (job.polls++ === 0) return void res.writeHead(202, { 'Retry-After': '0', 'X-Progress': 'in progress' }).end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({
        transactionTime: job.transactionTime, request: `${this.base()}/$export`, requiresAccessToken: true, error: [],
        output: [...job.files.keys()].map((type) => ({ type, url: `${this.base()}/bulkfile/${id}/${type}.ndjson` })),
      }));
    }
    const ndjson = job.files.get((file ?? '').replace(/\.ndjson$/, ''));
    if (ndjson === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/fhir+ndjson' });
    res.end(ndjson);
  }

  private async kickoff(url: URL, res: ServerResponse): Promise<void> {
    const types = (url.searchParams.get('_type') ?? 'Patient').split(',');
    const since = url.searchParams.get('_since');
    const id = randomUUID();
    const transactionTime = new Date().toISOString();
    const files = new Map<string, string>();
    for (const type of types) {
      const query = new URLSearchParams({ _count: '1000', ...(since ? { _lastUpdated: `ge${since}` } : {}) });
      const found: Resource[] = await this.repo.searchResources(parseSearchRequest(`${type}?${query.toString()}`));
      if (found.length) files.set(type, found.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    this.jobs.set(id, { transactionTime, polls: 0, files, types });
    this.kickoffs.push(url.search);
    res.writeHead(202, { 'Content-Location': `${this.base()}/bulkstatus/${id}` }).end();
  }
}
