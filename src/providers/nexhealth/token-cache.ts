import { createHash } from 'node:crypto';

/** Lifetime assumed when a token is not a JWT with `exp` (production tokens last 1 h, §3). */
const DEFAULT_LIFETIME_MS = 3_600_000;

/** The expiry of a JWT (its `exp`, Unix seconds) in epoch ms, or null when it is not a readable JWT. Never verifies the signature (not ours to check). */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * In-process cache of NexHealth bearer tokens (§3 [NEX-AUTH]), one per (base URL, API key),
 * keyed by a SHA-256 so the key is not kept as a map key. A token is reused until shortly
 * before its expiry: a fifth of its lifetime, at most 60 s, early. Concurrent callers share
 * one `POST /authenticates`. Tokens never leave the process (no Redis: they are secrets).
 */
export class NexHealthTokenCache {
  private readonly tokens = new Map<string, { token: string; refreshAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  private keyOf(baseUrl: string, apiKey: string): string {
    return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
  }

  /** A valid token, from the cache or from `authenticate()`. @throws whatever `authenticate` throws. */
  async get(baseUrl: string, apiKey: string, authenticate: () => Promise<string>, now = Date.now()): Promise<string> {
    const key = this.keyOf(baseUrl, apiKey);
    const cached = this.tokens.get(key);
    if (cached && cached.refreshAt > now) return cached.token;
    let inflight = this.pending.get(key);
    if (!inflight) {
      inflight = authenticate().then((token) => {
        const issued = Date.now();
        const expiresAt = jwtExpiry(token) ?? issued + DEFAULT_LIFETIME_MS;
        const lifetime = Math.max(0, expiresAt - issued);
        this.tokens.set(key, { token, refreshAt: expiresAt - Math.min(60_000, lifetime / 5) });
        return token;
      }).finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
    }
    return inflight;
  }

  /** Drops `token` (after a 401) unless a newer one already replaced it. */
  invalidate(baseUrl: string, apiKey: string, token: string): void {
    const key = this.keyOf(baseUrl, apiKey);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}
