import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Observable, catchError, tap, throwError } from 'rxjs';
import type { AuthContext } from '../organizations/auth.context';
import { AuditService } from './audit.service';

/** Routes (Express patterns) that read patient data: the records API, its sources and context routes, persons, and the FHIR API. */
const PATIENT_DATA_ROUTE = /^\/(?:api\/v1\/(patients|appointments|coverages|documents|balances|persons)(?:\/|$)|fhir\/R4\/(?!metadata)(:?[A-Za-z]+))/;
/** Record ids kept per event; a longer list is summarised by its count and the query digest. */
const MAX_IDS = 100;

interface RequestLike {
  method: string;
  baseUrl?: string;
  route?: { path?: string };
  params?: Record<string, string | undefined>;
  query?: Record<string, unknown>;
  auth?: AuthContext;
}

/** The ids a response shows: `{ id }`, `{ data: [{ id }] }`, a FHIR resource, or a FHIR Bundle's entries. */
function idsOf(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as { id?: unknown; data?: unknown; entry?: unknown; resourceType?: unknown };
  if (Array.isArray(b.data)) return b.data.map((r) => (r as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
  if (b.resourceType === 'Bundle' && Array.isArray(b.entry)) {
    return b.entry.map((e) => (e as { resource?: { id?: unknown } })?.resource?.id).filter((id): id is string => typeof id === 'string');
  }
  return typeof b.id === 'string' ? [b.id] : [];
}

/** A digest of the query (sorted keys): lets a reviewer match identical searches without storing names or birth dates. */
function queryDigest(query: Record<string, unknown> | undefined): string | null {
  const keys = Object.keys(query ?? {}).sort();
  if (!keys.length) return null;
  return createHash('sha256').update(JSON.stringify(keys.map((k) => [k, query![k]]))).digest('hex').slice(0, 32);
}

/**
 * Access audit for reads of patient data (HIPAA Security Rule, 45 CFR 164.312(b)): every GET of
 * the records API (patients, appointments, coverages, documents, balances, with their sources
 * and context routes), of persons and of the FHIR read API writes an `patient_data.read` audit event: the
 * API key, the route pattern, the resource type, the record ids shown (up to 100, with the
 * count), a digest of the query (never the query: it can hold names), the status and the
 * request id. Failures (404, 410, 400) are audited as `failure`. Events are buffered and written
 * in batches off the request path (AuditService.recordLater), flushed on shutdown.
 */
@Injectable()
export class ReadAuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<RequestLike>();
    const route = `${req.baseUrl ?? ''}${req.route?.path ?? ''}`;
    const match = req.method === 'GET' ? PATIENT_DATA_ROUTE.exec(route) : null;
    if (!match || req.auth?.kind !== 'organization') return next.handle();
    const auth = req.auth;
    // FHIR routes are patterns (`/fhir/R4/:type/:id`): the resource type is the request's own.
    const resource = match[1] ?? (match[2].startsWith(':') ? req.params?.[match[2].slice(1)] ?? 'unknown' : match[2]);
    const write = (outcome: 'success' | 'failure', status: number, ids: string[]) => this.audit.recordLater({
      organizationId: auth.organizationId, actorType: 'api_key', actorId: auth.apiKeyId, action: 'patient_data.read',
      targetType: resource, targetId: ids.length === 1 ? ids[0] : undefined, outcome, requestId: auth.requestId,
      details: { route, status, count: ids.length, recordIds: ids.slice(0, MAX_IDS), queryDigest: queryDigest(req.query) },
    });
    return next.handle().pipe(
      tap((body) => write('success', 200, idsOf(body))),
      catchError((error: unknown) => {
        const status = (error as { status?: unknown; getStatus?: () => number })?.getStatus?.() ?? (error as { status?: number })?.status;
        write('failure', typeof status === 'number' ? status : 500, []);
        return throwError(() => error);
      }),
    );
  }
}
