import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/**
 * Bearer tokens of the sandbox (`POST /authenticates`, §3 [NEX-AUTH]): JWT-shaped (HS256 over
 * a per-process secret) with `exp` in Unix seconds, so a client can read the expiry as it
 * would from NexHealth's JWT. A token is valid while it is in the store and not expired;
 * {@link expireAll} revokes every token at once (a test forcing expiry mid-migration).
 */
export class SandboxTokenStore {
  private readonly secret = randomBytes(32);
  private readonly tokens = new Map<string, { keyHash: string; expiresAt: number }>();

  /** A new token for the API key (by its hash) that lasts `lifetimeMs`. */
  issue(keyHash: string, lifetimeMs: number, now = Date.now()): string {
    const jti = randomUUID();
    const expiresAt = now + lifetimeMs;
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: keyHash.slice(0, 16), jti, iat: Math.floor(now / 1000), exp: Math.ceil(expiresAt / 1000) })).toString('base64url');
    const signature = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    this.tokens.set(jti, { keyHash, expiresAt });
    if (this.tokens.size > 10_000) this.sweep(now);
    return `${header}.${payload}.${signature}`;
  }

  /** The API key hash of a valid token, or null (unknown, revoked, expired or forged). */
  verify(token: string, now = Date.now()): string | null {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return null;
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url');
    if (expected !== signature) return null;
    let jti: unknown;
    try {
      jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    } catch {
      return null;
    }
    const entry = typeof jti === 'string' ? this.tokens.get(jti) : undefined;
    if (!entry || entry.expiresAt <= now) return null;
    return entry.keyHash;
  }

  /** Revokes every token; returns how many were live. */
  expireAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  private sweep(now: number): void {
    for (const [jti, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(jti);
  }
}
