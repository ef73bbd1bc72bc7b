import type { Request, Response } from 'express';
import { FhirSandboxError } from './fhir-error';
import type { FhirSandbox, FhirTenant } from './fhir-sandbox.service';
import { FHIR_SANDBOX_PREFIX } from './sandbox-options';

/** The tenant of a request (404 when the sandbox is off), with the request logged and the tenant's FHIR base URL. */
export function openTenant(sandbox: FhirSandbox, vendor: string, tenant: string, req: Request, res: Response): { t: FhirTenant; base: string; root: string } {
  if (!sandbox.enabled) throw new FhirSandboxError(404, 'not-found', 'Not found');
  const t = sandbox.tenant(vendor, tenant);
  const entry: FhirTenant['log'][number] = { method: req.method, path: req.path, status: null, bearer: !!req.headers.authorization?.startsWith('Bearer ') };
  t.log.push(entry);
  res.on('finish', () => (entry.status = res.statusCode));
  const root = `${req.protocol}://${req.get('host')}`;
  return { t, base: `${root}${FHIR_SANDBOX_PREFIX}/${vendor}/${tenant}`, root };
}

/** Bearer check and faults (throttle bursts, 503s) of a FHIR data request. @throws FhirSandboxError 401, 429, 503. */
export function guardRequest(sandbox: FhirSandbox, t: FhirTenant, req: Request): void {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!bearer || !sandbox.tokenValid(t.key, bearer[1])) throw new FhirSandboxError(401, 'login', 'Access token missing, invalid or expired', { 'WWW-Authenticate': 'Bearer' });
  if (t.faults.throttle > 0) {
    t.faults.throttle--;
    throw new FhirSandboxError(429, 'throttled', 'Too many requests', { 'Retry-After': String(t.faults.retryAfter) });
  }
  if (t.faults.serviceUnavailable > 0) {
    t.faults.serviceUnavailable--;
    throw new FhirSandboxError(503, 'transient', 'Service temporarily unavailable');
  }
}
