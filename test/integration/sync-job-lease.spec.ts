import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SyncJobLease } from '../../src/modules/sync-jobs/sync-job-lease';

const DATABASE_URL = () => process.env.DATABASE_URL as string;

/** The sync-job lease against the test's PostgreSQL: one holder per job, freed by release or by a lost session. */
describe('SyncJobLease', () => {
  it('is held by one session at a time, per job, until released', async () => {
    const job = randomUUID();
    const first = await SyncJobLease.acquire(DATABASE_URL(), job);
    expect(first).not.toBeNull();
    expect(await SyncJobLease.acquire(DATABASE_URL(), job)).toBeNull();
    const other = await SyncJobLease.acquire(DATABASE_URL(), randomUUID());
    expect(other).not.toBeNull(); // another job is not held up
    await other!.release();
    expect(first!.lost).toBe(false);
    await first!.release();
    const again = await SyncJobLease.acquire(DATABASE_URL(), job);
    expect(again).not.toBeNull();
    await again!.release();
  });

  it('is lost, and free for another worker, when its session ends underneath it', async () => {
    const job = randomUUID();
    const lease = await SyncJobLease.acquire(DATABASE_URL(), job);
    const admin = new Client({ connectionString: DATABASE_URL() });
    await admin.connect();
    try {
      // What a killed worker, a cut network or a PostgreSQL restart does to the lease's connection.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ehr-sync-hub-lease' AND pid <> pg_backend_pid()
        AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 1398361667 AND objid::int = hashtext($1))`, [job]);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 100 && !lease!.lost; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lease!.lost).toBe(true);
    const next = await SyncJobLease.acquire(DATABASE_URL(), job);
    expect(next).not.toBeNull();
    await next!.release();
    await lease!.release(); // never throws, even on a dead connection
  });
});
