import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NexApiError } from './envelope';
import { rateWindows } from './rate-limiter';
import { NexHealthSandbox } from './sandbox-control.service';
import { NEXHEALTH_API_VERSIONS } from './sandbox-options';

type GatedRequest = Request & { nexKeyHash?: string };

/**
 * The checks NexHealth makes before an endpoint runs (§3), in this order:
 * 1. the sandbox is enabled (else 404 for every route);
 * 2. auth: `POST /authenticates` takes `Authorization: <API_KEY>` (no "Bearer"); every other
 *    route `Authorization: Bearer <token>` with a live token → else 401;
 * 3. `Nex-Api-Version: v3.0.0` (or its alias `v20240412`) on every call but /authenticates → else 400;
 * 4. the per-key rate limits (100 req/s; 10 req/s for GET /appointments; 1,000 req/min for
 *    patients and appointments; 2,000 req/min for the rest) → 429 with `Retry-After` (s).
 * Requests with a known key are logged (arrival, throttled, final status) for tests.
 */
@Injectable()
export class NexHealthGate implements CanActivate {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const req = http.getRequest<GatedRequest>();
    const res = http.getResponse<Response>();
    if (!this.sandbox.enabled) throw new NexApiError(404, 'Not found');
    const authenticating = req.method === 'POST' && req.path.endsWith('/authenticates');
    const header = req.headers.authorization ?? '';
    let keyHash: string | null;
    if (authenticating) {
      keyHash = header && !/^bearer\s/i.test(header) ? this.sandbox.knownKey(header.trim()) : null;
      if (!keyHash) throw new NexApiError(401, 'Invalid API key');
    } else {
      const bearer = /^Bearer\s+(\S+)$/i.exec(header);
      keyHash = bearer ? this.sandbox.tokens.verify(bearer[1]) : null;
      if (!keyHash) throw new NexApiError(401, bearer ? 'Token is invalid or expired' : 'Unauthorized');
    }
    const entry = this.sandbox.recordRequest(keyHash, { at: Date.now(), method: req.method, path: req.path, throttled: false, status: null, accept: req.headers.accept ?? null });
    res.on('finish', () => (entry.status = res.statusCode));
    if (!authenticating) {
      const version = req.headers['nex-api-version'];
      if (typeof version !== 'string' || !NEXHEALTH_API_VERSIONS.includes(version)) throw NexApiError.badRequest('Nex-Api-Version header must be v3.0.0');
    }
    const waitMs = this.sandbox.limiter.take(keyHash, rateWindows(req.method, req.path, this.sandbox.settings.rateLimits));
    if (waitMs > 0) {
      entry.throttled = true;
      throw new NexApiError(429, 'Rate limit exceeded', { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    req.nexKeyHash = keyHash;
    return true;
  }
}

/** The SHA-256 of the API key the gate authenticated (webhook endpoints belong to it). */
export const ApiKeyHash = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const hash = ctx.switchToHttp().getRequest<GatedRequest>().nexKeyHash;
  if (!hash) throw new NexApiError(500, 'Sandbox gate did not run');
  return hash;
});

/**
 * The sandbox admin routes (`/sandbox/nexhealth/_admin/*`): enabled, and `Authorization: <API_KEY>`
 * of a sandbox key (the same header as /authenticates). Not rate limited.
 */
@Injectable()
export class NexHealthAdminGate implements CanActivate {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.sandbox.enabled) throw new NexApiError(404, 'Not found');
    const header = (req.headers.authorization ?? '').trim();
    if (!header || !this.sandbox.knownKey(header)) throw new NexApiError(401, 'Invalid API key');
    return true;
  }
}
