/** One request a simulated vendor API received (what the throttle tests and benchmarks count). */
export interface SandboxRequestEntry {
  /** Arrival time, epoch ms of this process's clock. */
  at: number;
  method: string;
  path: string;
  /** Refused by the throttle (429). */
  throttled: boolean;
  /**
   * When the sandbox's throttle judged it, epoch ms of the Redis server's clock (the clock every
   * process serving the sandbox shares): the spacing a vendor enforces is between these, not
   * between `at` stamps, which come before authentication and from each serving process's clock.
   */
  throttleCheckedAt?: number | null;
  /** Final HTTP status, once answered. */
  status: number | null;
  /** The request's `Accept` header, when the sandbox records it (NexHealth's version-2 media type). */
  accept?: string | null;
}

/** Requests kept per key before the oldest are dropped. */
const LOG_LIMIT = 20_000;

/**
 * The request log of a sandbox, per credential hash (never the key itself), oldest first and
 * bounded to the newest 20,000 entries per key. In memory: each process logs what it served.
 */
export class RequestLog {
  private readonly entries = new Map<string, SandboxRequestEntry[]>();

  /** Adds a request and returns the entry (the caller fills in `status` when it answers). */
  record(keyHash: string, entry: SandboxRequestEntry): SandboxRequestEntry {
    const list = this.entries.get(keyHash) ?? [];
    list.push(entry);
    if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
    this.entries.set(keyHash, list);
    return entry;
  }

  /** A copy of the key's requests, oldest first. */
  list(keyHash: string): SandboxRequestEntry[] {
    return [...(this.entries.get(keyHash) ?? [])];
  }

  clear(keyHash: string): void {
    this.entries.delete(keyHash);
  }
}
