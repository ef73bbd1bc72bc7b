import type { Request, Response } from 'express';
import { BulkLevel, startExport } from './bulk';
import { FhirSandboxError } from './fhir-error';
import type { FhirSandbox, FhirTenant } from './fhir-sandbox.service';
import { guardRequest } from './tenant-http';

/** Where a tenant's export status and files live (outside the FHIR base, as servers put them). */
export const FHIR_BULK_PREFIX = '/sandbox/fhir-bulk';
/** A second location export files redirect to when `bulkRedirect` is on (a storage service). */
export const FHIR_STORAGE_PREFIX = '/sandbox/fhir-storage';

/**
 * A Bulk Data kick-off (https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request):
 * bearer and faults as for any FHIR request, `Prefer: respond-async` required, the level offered
 * by the profile; answers 202 with `Content-Location` = the status URL.
 * @throws FhirSandboxError 400 without `Prefer: respond-async` or for a level the vendor does not offer.
 */
export function kickOff(sandbox: FhirSandbox, t: FhirTenant, level: BulkLevel, req: Request, res: Response): void {
  guardRequest(sandbox, t, req);
  if (!t.profile.bulk.includes(level)) throw new FhirSandboxError(400, 'not-supported', `${level}-level $export is not offered`);
  if (!/respond-async/i.test(String(req.headers.prefer ?? ''))) throw new FhirSandboxError(400, 'invalid', 'Prefer: respond-async is required');
  const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined]));
  const root = `${req.protocol}://${req.get('host')}`;
  const job = startExport(t, query, `${root}${req.originalUrl}`, sandbox.bulkSettings());
  t.exports.set(job.id, job);
  const [vendor, tenant] = t.key.split('/');
  res.status(202).setHeader('Content-Location', `${root}${FHIR_BULK_PREFIX}/${vendor}/${tenant}/status/${job.id}`);
  res.type('application/fhir+json').send(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: 'Export accepted' }] }));
}
