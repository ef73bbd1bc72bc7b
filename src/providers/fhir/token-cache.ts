import { createHash, randomBytes } from 'node:crypto';
import { tokenRenewals } from '../../common/vendor-metrics';
import type IORedis from 'ioredis';
import { Cipher, DecryptionError } from '../../common/crypto';
import { abortableSleep } from '../common/retry';
import type { AccessToken } from './smart-auth';

/** Deletes the lock only when it still holds our value (another worker may own it after a TTL). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Timing of the cache, in ms. */
export interface TokenCacheTimings {
  /** TTL of the minting lock: longer than one token request with its retries. */
  lockTtlMs: number;
  /** Pause between re-reads while another worker mints. */
  pollMs: number;
}

interface Entry {
  accessToken: string;
  expiresAt: number;
  refreshAt: number;
}

/** When to renew: the smaller of 60 s or 20 % of the lifetime before expiry. */
export function refreshAt(token: AccessToken): number {
  const lifetime = Math.max(0, token.expiresAt - token.issuedAt);
  return token.expiresAt - Math.min(60_000, lifetime * 0.2);
}

/**
 * Access tokens of FHIR integrations shared by every worker through Redis, minted once at a
 * time (single flight across processes, the lesson of NangoHQ/nango#1005):
 * 1. a process-memory copy is used until its renewal time ({@link refreshAt});
 * 2. else the Redis copy (AES-256-GCM with the integration's cache key as associated data:
 *    a token is a secret, so Redis holds only ciphertext); keys are `prefix:token:<sha256>` of
 *    (token URL, client id, scope, integration id, credential): no PHI, no secret;
 * 3. else `SET prefix:lock:<hash> <random> NX PX lockTtl`; the winner re-reads (another worker
 *    may have just finished), mints, stores with a TTL to the expiry and releases; losers poll
 *    the Redis copy until it appears or the lock lapses, then try again.
 * Concurrent callers in one process share one promise. A failed mint is not cached.
 */
export class FhirTokenCache {
  private readonly memory = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly redis: IORedis,
    private readonly cipher: Cipher,
    private readonly prefix: string,
    private readonly timings: TokenCacheTimings = { lockTtlMs: 15_000, pollMs: 50 },
  ) {}

  /**
   * The cache key of one (token URL, client, scope, integration, credential): a SHA-256, hex.
   * The credential (private key or secret) is hashed in, so changed credentials never reuse a
   * token minted with the old ones; it never reaches Redis.
   */
  static keyOf(parts: { tokenUrl: string; clientId: string; scope: string; integrationId: string; credential: string }): string {
    return createHash('sha256').update([parts.tokenUrl, parts.clientId, parts.scope, parts.integrationId, parts.credential].join('\n')).digest('hex');
  }

  /** A token valid beyond its renewal time, minting it with `mint` when none is. @throws what `mint` throws; RequestAborted. */
  get(key: string, mint: () => Promise<AccessToken>, signal?: AbortSignal): Promise<string> {
    const cached = this.memory.get(key);
    if (cached && cached.refreshAt > Date.now()) return Promise.resolve(cached.accessToken);
    let inflight = this.pending.get(key);
    if (!inflight) {
      inflight = this.shared(key, mint, signal).finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
    }
    return inflight;
  }

  /** Forgets `token` (the server answered 401) here and in Redis, unless a newer one replaced it. */
  async invalidate(key: string, token: string): Promise<void> {
    if (this.memory.get(key)?.accessToken === token) this.memory.delete(key);
    const stored = await this.readShared(key, false);
    if (stored?.accessToken === token) await this.redis.del(this.tokenKey(key));
  }

  private tokenKey(key: string): string {
    return `${this.prefix}:token:${key}`;
  }

  private async shared(key: string, mint: () => Promise<AccessToken>, signal?: AbortSignal): Promise<string> {
    const lockKey = `${this.prefix}:lock:${key}`;
    for (;;) {
      const stored = await this.readShared(key);
      if (stored) return this.remember(key, stored);
      const owner = randomBytes(16).toString('hex');
      if ((await this.redis.set(lockKey, owner, 'PX', this.timings.lockTtlMs, 'NX')) === 'OK') {
        try {
          const again = await this.readShared(key);
          if (again) return this.remember(key, again);
          const token = await mint().catch((error: unknown) => {
            tokenRenewals.inc({ vendor: 'fhir', outcome: 'failure' });
            throw error;
          });
          tokenRenewals.inc({ vendor: 'fhir', outcome: 'success' });
          const entry: Entry = { accessToken: token.accessToken, expiresAt: token.expiresAt, refreshAt: refreshAt(token) };
          const ttl = Math.max(1, entry.expiresAt - Date.now());
          await this.redis.set(this.tokenKey(key), this.cipher.encryptJson(entry, key), 'PX', ttl);
          return this.remember(key, entry);
        } finally {
          await this.redis.eval(RELEASE, 1, lockKey, owner);
        }
      }
      await abortableSleep(this.timings.pollMs, signal);
    }
  }

  /** The Redis copy (when `fresh`, only while before its renewal time), else null. Unreadable copies are dropped. */
  private async readShared(key: string, fresh = true): Promise<Entry | null> {
    const raw = await this.redis.getBuffer(this.tokenKey(key));
    if (!raw) return null;
    try {
      const entry = this.cipher.decryptJson<Entry>(raw, key);
      return !fresh || entry.refreshAt > Date.now() ? entry : null;
    } catch (error) {
      if (!(error instanceof DecryptionError) && !(error instanceof SyntaxError)) throw error;
      await this.redis.del(this.tokenKey(key));
      return null;
    }
  }

  private remember(key: string, entry: Entry): string {
    this.memory.set(key, entry);
    return entry.accessToken;
  }
}
