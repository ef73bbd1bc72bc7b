import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_ENV } from '../../config/config.module';
import { AppEnv } from '../../config/env';
import { CommonException, CommonExceptionCode } from '../../common/domain-exception';
import { safeEqual } from '../../common/crypto';
import { requestIdOf } from '../../common/request-id';
import { ADMIN_ONLY, AuthContext, IS_PUBLIC } from './auth.context';
import { ApiKeysService } from './api-keys.service';

/**
 * Global guard: every route needs `Authorization: Bearer <key>` unless marked {@link Public}.
 * Organization keys open tenant routes; the admin key opens only {@link AdminOnly} routes.
 * Missing or unknown keys answer 401; the admin key on a tenant route (or the reverse) 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; auth?: AuthContext }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new CommonException(CommonExceptionCode.UNAUTHORIZED, 'Missing or malformed Authorization header (expected "Bearer <api key>")');
    const token = match[1];
    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) ?? false;
    const requestId = requestIdOf(req);

    if (safeEqual(token, this.env.adminApiKey)) {
      if (!adminOnly) throw new CommonException(CommonExceptionCode.FORBIDDEN, 'The admin key may only create organizations; use an organization API key');
      req.auth = { kind: 'admin', organizationId: null, apiKeyId: null, requestId };
      return true;
    }
    const key = await this.keys.verify(token);
    if (!key) throw new CommonException(CommonExceptionCode.UNAUTHORIZED, 'Invalid or revoked API key');
    if (adminOnly) throw new CommonException(CommonExceptionCode.FORBIDDEN, 'This route needs the admin API key');
    req.auth = { kind: 'organization', organizationId: key.organizationId, apiKeyId: key.id, requestId };
    return true;
  }
}
