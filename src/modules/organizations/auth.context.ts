import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

/** Who is calling: an organization's key, or the admin key (which may only create organizations). */
export interface AuthContext {
  kind: 'organization' | 'admin';
  organizationId: string | null;
  apiKeyId: string | null;
  requestId?: string;
}

/** An organization caller: the only kind allowed on tenant routes. */
export interface OrgAuth extends AuthContext {
  kind: 'organization';
  organizationId: string;
  apiKeyId: string;
}

export const IS_PUBLIC = 'auth:public';
export const ADMIN_ONLY = 'auth:admin';

/** Route needs no API key (health, docs, webhook receivers: their signature is the authentication). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Route needs the `ADMIN_API_KEY` (creating organizations). */
export const AdminOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ADMIN_ONLY, true);

/** Injects the caller's {@link OrgAuth} (set by the API key guard). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest<{ auth: AuthContext }>().auth;
});

/** Actor id written to audit events: the API key id, or `admin`. */
export function actorOf(auth: AuthContext): string {
  return auth.apiKeyId ?? auth.kind;
}
