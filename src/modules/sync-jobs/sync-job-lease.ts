import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** First key of every sync-job lease (`pg_advisory_lock(int4, int4)`): 'SYNC' in ASCII, so no other advisory lock of the app can collide. */
export const SYNC_LEASE_NAMESPACE = 0x53594e43;

/**
 * The right to run one sync job, held in PostgreSQL rather than Redis: a session-level advisory
 * lock `(SYNC_LEASE_NAMESPACE, hashtext(syncJobId))` on a connection of its own, taken before a
 * run starts and held until it ends. BullMQ's own lock lives in Redis and is gone when Redis
 * loses its state (or expires when an event loop stalls), after which BullMQ may hand the same
 * job to a second worker; the lease makes that second delivery wait instead of running beside
 * the first. It needs no heartbeat: PostgreSQL drops it the moment the holder's connection
 * closes (process killed, network cut), so a dead worker never blocks a job.
 *
 * `hashtext` is 32 bits: two jobs whose ids collide merely take turns, which is safe.
 * https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
export class SyncJobLease {
  private static readonly logger = new Logger(SyncJobLease.name);
  private lostConnection = false;

  private constructor(private readonly client: Client) {
    // Without the lock's session the lease is void: the run stops after its current batch.
    client.on('error', () => (this.lostConnection = true));
    client.on('end', () => (this.lostConnection = true));
  }

  /**
   * Takes the lease of a job without waiting.
   * @returns the lease, or null when another session holds it (the job is being run elsewhere).
   * @throws pg errors when PostgreSQL cannot be reached (a temporary failure: the job is retried).
   */
  static async acquire(databaseUrl: string, syncJobId: string): Promise<SyncJobLease | null> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'ehr-sync-hub-lease' });
    client.on('error', () => undefined); // until the lease listens: a connection lost during connect() must not end the process
    await client.connect();
    try {
      const res = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS held', [SYNC_LEASE_NAMESPACE, syncJobId]);
      if (res.rows[0]?.held) return new SyncJobLease(client);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    await client.end().catch(() => undefined);
    return null;
  }

  /** True once the lock's connection is gone: another worker may then take the job. */
  get lost(): boolean {
    return this.lostConnection;
  }

  /** Gives the lease up (closing the session releases the lock). Never throws. */
  async release(): Promise<void> {
    this.lostConnection = true;
    await this.client.end().catch((error: Error) => SyncJobLease.logger.warn(`closing a sync lease connection failed (${error.name})`));
  }
}
