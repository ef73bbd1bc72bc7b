import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'mysql2/promise';
import { OdApiError } from './api-error';
import { SandboxOfficeDb } from './office-db.service';
import { OpenDentalApiSandbox, ResolvedCustomer } from './sandbox-control.service';
import { SANDBOX_API_PREFIX } from './sandbox-options';

/** What the gate attaches to a request it lets through. */
export interface OfficeContext {
  customer: ResolvedCustomer;
  pool: Pool;
  /** `http(s)://host/sandbox/opendental/api/v1`, for Location headers. */
  baseUrl: string;
}

type GatedRequest = Request & { odApiOffice?: OfficeContext; odApiHoldMs?: number };

const AUTH = /^ODFHIR\s+([^/\s]+)\/(\S+)$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The checks OpenDental's API makes before a method runs (§1.1, §1.4), in this order:
 * 1. `Authorization: ODFHIR {DeveloperKey}/{CustomerKey}`: malformed, unknown or disabled → 401;
 * 2. `Content-Type: application/json`, required on ALL requests, GETs included → 400;
 * 3. the per-customer-key throttle (1 request/s, 1 per 5 s for read-only keys, start to start,
 *    shared by every process through Redis) → 429 with `Retry-After` (whole seconds). OpenDental
 *    names no 429; the sandbox answers one so a client's compliance is visible;
 * 4. a read-only key (ApiReadAll only) on POST/PUT → 401 (the key lacks the permission);
 * 5. faults injected by tests (delay, a status instead of running, or an answer held back).
 * Every request with a known key is logged for tests (arrival time, throttled, status).
 */
@Injectable()
export class OpenDentalApiGate implements CanActivate {
  constructor(
    private readonly sandbox: OpenDentalApiSandbox,
    private readonly db: SandboxOfficeDb,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<GatedRequest>();
    const res = http.getResponse<Response>();
    const at = Date.now();
    if (!this.sandbox.enabled) throw new OdApiError(404, 'Not found');
    const auth = AUTH.exec(req.headers.authorization ?? '');
    if (!auth) throw new OdApiError(401, 'Authorization header must be "ODFHIR {DeveloperKey}/{CustomerKey}"');
    const customer = await this.sandbox.authenticate(auth[1], auth[2]);
    if (!customer) throw new OdApiError(401, 'Invalid or disabled developer key or customer key');
    const path = req.path;
    const entry = this.sandbox.recordRequest(customer.keyHash, { at, method: req.method, path, throttled: false, status: null });
    res.on('finish', () => (entry.status = res.statusCode));

    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw OdApiError.badRequest('Content-Type must be application/json');
    const { waitMs, checkedAt } = await this.sandbox.throttle(customer);
    entry.throttleCheckedAt = checkedAt;
    if (waitMs > 0) {
      entry.throttled = true;
      throw new OdApiError(429, 'Too many requests for this customer key', { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    if (customer.readOnly && req.method !== 'GET') throw new OdApiError(401, 'This developer key only has read permission (ApiReadAll)');

    const fault = this.sandbox.takeFault(customer.keyHash, req.method, path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.status) {
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
      throw new OdApiError(fault.status, fault.body ?? `Injected fault ${fault.status}`, headers);
    }
    req.odApiHoldMs = fault?.holdResponseMs;
    const prefix = req.originalUrl.slice(0, req.originalUrl.indexOf(SANDBOX_API_PREFIX) + SANDBOX_API_PREFIX.length);
    req.odApiOffice = { customer, pool: this.db.pool(customer.database), baseUrl: `${req.protocol}://${req.get('host')}${prefix}` };
    return true;
  }
}

/** Injects the {@link OfficeContext} the gate resolved for this request. */
export const Office = createParamDecorator((_: unknown, ctx: ExecutionContext): OfficeContext => {
  const office = ctx.switchToHttp().getRequest<GatedRequest>().odApiOffice;
  if (!office) throw new OdApiError(500, 'Sandbox gate did not run');
  return office;
});
