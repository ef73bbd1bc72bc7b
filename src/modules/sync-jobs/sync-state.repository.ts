import { PoolClient } from 'pg';
import { Checkpoint, RecordIssue } from '../../providers/provider-adapter';

/** Saved position of one resource of one integration. */
export interface SyncState {
  checkpoint: Checkpoint | null;
  inFullPass: boolean;
  /** When the last complete full pass of this resource ended (null = none recorded). */
  lastFullPassAt?: Date | null;
  /** Live records the last complete full pass did not see: tombstoned unless the next whole pass sees them. */
  tombstoneCandidates?: string[];
  /** A pass stopped between batches (crash, shutdown, `limit`): the next run resumes it. */
  passOpen?: boolean;
}

/** Reads the saved state of a resource (none yet = a first, full pass). */
export async function loadState(client: { query: PoolClient['query'] }, integrationId: string, resource: string): Promise<SyncState> {
  const res = await client.query<{ checkpoint: Checkpoint | null; in_full_pass: boolean; last_full_pass_at: Date | null; tombstone_candidates: string[]; pass_open: boolean }>(
    'SELECT checkpoint, in_full_pass, last_full_pass_at, tombstone_candidates, pass_open FROM sync_states WHERE integration_id = $1 AND resource = $2',
    [integrationId, resource],
  );
  const row = res.rows[0];
  return {
    checkpoint: row?.checkpoint ?? null, inFullPass: row?.in_full_pass ?? false, lastFullPassAt: row?.last_full_pass_at ?? null,
    tombstoneCandidates: row?.tombstone_candidates ?? [], passOpen: row?.pass_open ?? false,
  };
}

/** Saves the state after a batch; called inside the batch's transaction so the checkpoint never runs ahead of the data. The pass is open until {@link savePassEnd}. */
export async function saveState(client: PoolClient, integrationId: string, resource: string, state: SyncState, jobId: string): Promise<void> {
  await client.query(
    `INSERT INTO sync_states (integration_id, resource, checkpoint, in_full_pass, last_job_id, updated_at, pass_open)
     VALUES ($1, $2, $3, $4, $5, now(), true)
     ON CONFLICT (integration_id, resource) DO UPDATE
       SET checkpoint = EXCLUDED.checkpoint, in_full_pass = EXCLUDED.in_full_pass, last_job_id = EXCLUDED.last_job_id, updated_at = now(), pass_open = true`,
    [integrationId, resource, state.checkpoint === null ? null : JSON.stringify(state.checkpoint), state.inFullPass, jobId],
  );
}

/**
 * Saves the end of a pass read to its end: the next run starts from `checkpoint`, no pass is open,
 * `tombstoneCandidates` replace the stored ones (null keeps them: a resumed pass confirms nothing),
 * and `fullPassEnded` stamps `last_full_pass_at`.
 */
export async function savePassEnd(
  client: PoolClient, integrationId: string, resource: string, jobId: string,
  end: { checkpoint: Checkpoint | null; fullPassEnded: boolean; tombstoneCandidates: string[] | null },
): Promise<void> {
  await client.query(
    `INSERT INTO sync_states (integration_id, resource, checkpoint, in_full_pass, last_job_id, updated_at, pass_open, last_full_pass_at, tombstone_candidates)
     VALUES ($1, $2, $3, false, $4, now(), false, CASE WHEN $5::boolean THEN now() END, COALESCE($6::text[], '{}'))
     ON CONFLICT (integration_id, resource) DO UPDATE
       SET checkpoint = EXCLUDED.checkpoint, in_full_pass = false, last_job_id = EXCLUDED.last_job_id, updated_at = now(), pass_open = false,
           last_full_pass_at = CASE WHEN $5::boolean THEN now() ELSE sync_states.last_full_pass_at END,
           tombstone_candidates = COALESCE($6::text[], sync_states.tombstone_candidates)`,
    [integrationId, resource, end.checkpoint === null ? null : JSON.stringify(end.checkpoint), jobId, end.fullPassEnded, end.tombstoneCandidates],
  );
}

/** Appends per-record issues of a batch in one statement. */
export async function insertIssues(
  client: PoolClient,
  job: { id: string; organizationId: string },
  resource: string,
  kind: 'failed' | 'skipped',
  issues: RecordIssue[],
): Promise<void> {
  if (!issues.length) return;
  await client.query(
    `INSERT INTO sync_job_errors (job_id, organization_id, resource, kind, external_id, code, message)
     SELECT $1, $2, $3, $4, e, c, m FROM unnest($5::text[], $6::text[], $7::text[]) AS t(e, c, m)`,
    [job.id, job.organizationId, resource, kind, issues.map((i) => i.externalId), issues.map((i) => i.code.slice(0, 60)), issues.map((i) => i.message.slice(0, 500))],
  );
}
