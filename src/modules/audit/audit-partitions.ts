import { Pool, PoolClient } from 'pg';
import { withTransaction } from '../../database/transaction';

/** Monthly partitions of `audit_events` are named `audit_events_pYYYYMM` (UTC months); see migration AuditEventsPartitioned. */
const PREFIX = 'audit_events_p';
const DEFAULT_PARTITION = 'audit_events_default';
/** Months created ahead of the current one, so inserts never wait on maintenance (nor land in the default partition). */
export const AUDIT_MONTHS_AHEAD = 3;
/** One maintenance pass at a time across every process (a transaction-level advisory lock). */
const LOCK_KEY = 'audit:partition-maintenance';

/** A UTC month as its first instant. */
function monthStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

function partitionName(month: Date): string {
  return `${PREFIX}${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month a partition name stands for, or null for a name that is not a monthly partition. */
function monthOf(name: string): Date | null {
  const m = /^audit_events_p(\d{4})(\d{2})$/.exec(name);
  return m ? monthStart(Number(m[1]), Number(m[2]) - 1) : null;
}

function nextMonth(month: Date): Date {
  return monthStart(month.getUTCFullYear(), month.getUTCMonth() + 1);
}

/** Attached monthly partitions, oldest first. */
async function monthlyPartitions(db: Pool | PoolClient): Promise<Array<{ name: string; from: Date; to: Date }>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit_events'::regclass`);
  return rows.flatMap(({ name }) => {
    const from = monthOf(name);
    return from ? [{ name, from, to: nextMonth(from) }] : [];
  }).sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** Takes the maintenance lock for this transaction; false when another process holds it. */
async function lock(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [LOCK_KEY]);
  return rows[0].ok;
}

/**
 * Creates the monthly partitions that are missing: the current month and {@link AUDIT_MONTHS_AHEAD}
 * after it, and the month of every row the default partition caught (maintenance stopped for
 * months, or an event stamped far off). Each month is built beside the table, filled with the
 * default partition's rows of its range (moved as stored: chain fields unchanged), and attached,
 * in one transaction. @returns the partitions created.
 */
export async function ensureAuditPartitions(pool: Pool, now = new Date()): Promise<string[]> {
  const existing = new Set((await monthlyPartitions(pool)).map((p) => p.name));
  const caught = await pool.query<{ month: Date }>(
    `SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month FROM ${DEFAULT_PARTITION}`);
  const months = caught.rows.map((r) => r.month);
  for (let m = monthStart(now.getUTCFullYear(), now.getUTCMonth()), i = 0; i <= AUDIT_MONTHS_AHEAD; i++, m = nextMonth(m)) months.push(m);
  const created: string[] = [];
  for (const month of months) {
    const name = partitionName(month);
    if (existing.has(name)) continue;
    const done = await withTransaction(pool, async (client) => {
      if (!(await lock(client))) return false;
      const from = month.toISOString();
      const to = nextMonth(month).toISOString();
      await client.query(`CREATE TABLE IF NOT EXISTS ${name} (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await client.query(`WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE created_at >= $1 AND created_at < $2 RETURNING *)
        INSERT INTO ${name} SELECT * FROM moved`, [from, to]);
      await client.query(`ALTER TABLE audit_events ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
      return true;
    });
    if (!done) break; // another process is at it
    existing.add(name);
    created.push(name);
  }
  return created;
}

/**
 * Drops whole monthly partitions that end at or before `now − retentionDays`, oldest first, each
 * in one transaction with its chain anchors: for every chain (organization, or the admin chain)
 * with events in the partition, `audit_chain_anchors` then holds the `chain_seq` after the last
 * dropped event and that event's hash, where `GET /audit-events/verify` starts from. A partition
 * that ends after the cutoff is kept whole, so events are kept at least `retentionDays`.
 * @returns the partitions dropped.
 */
export async function dropExpiredAuditPartitions(pool: Pool, retentionDays: number, now = new Date()): Promise<string[]> {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const dropped: string[] = [];
  for (const partition of await monthlyPartitions(pool)) {
    if (partition.to.getTime() > cutoff) break;
    const done = await withTransaction(pool, async (client) => {
      if (!(await lock(client))) return false;
      await client.query(`
        INSERT INTO audit_chain_anchors (chain_key, organization_id, chain_seq, prev_hash, partition_name)
        SELECT DISTINCT ON (organization_id) coalesce(organization_id::text, 'admin'), organization_id, chain_seq + 1, hash, $1
          FROM ${partition.name} ORDER BY organization_id, chain_seq DESC
        ON CONFLICT (chain_key) DO UPDATE
          SET chain_seq = EXCLUDED.chain_seq, prev_hash = EXCLUDED.prev_hash, partition_name = EXCLUDED.partition_name, dropped_at = now()
          WHERE audit_chain_anchors.chain_seq < EXCLUDED.chain_seq`, [partition.name]);
      await client.query(`DROP TABLE ${partition.name}`);
      return true;
    });
    if (!done) break;
    dropped.push(partition.name);
  }
  return dropped;
}
