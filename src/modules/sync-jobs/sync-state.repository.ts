import { PoolClient } from 'pg';
import { Checkpoint, RecordIssue } from '../../providers/provider-adapter';

/** Saved position of one resource of one integration. */
export interface SyncState {
  checkpoint: Checkpoint | null;
  inFullPass: boolean;
  /** When the last complete full pass of this resource ended (null = none recorded). */
  lastFullPassAt?: Date | null;
}

/** Reads the saved state of a resource (none yet = a first, full pass). */
export async function loadState(client: { query: PoolClient['query'] }, integrationId: string, resource: string): Promise<SyncState> {
  const res = await client.query<{ checkpoint: Checkpoint | null; in_full_pass: boolean; last_full_pass_at: Date | null }>(
    'SELECT checkpoint, in_full_pass, last_full_pass_at FROM sync_states WHERE integration_id = $1 AND resource = $2',
    [integrationId, resource],
  );
  const row = res.rows[0];
  return { checkpoint: row?.checkpoint ?? null, inFullPass: row?.in_full_pass ?? false, lastFullPassAt: row?.last_full_pass_at ?? null };
}

/**
 * Saves the state; called inside the batch's transaction so the checkpoint never runs ahead of the data.
 * `fullPassEnded` stamps `last_full_pass_at` (a complete full pass of the resource ended now).
 */
export async function saveState(client: PoolClient, integrationId: string, resource: string, state: SyncState, jobId: string, fullPassEnded = false): Promise<void> {
  await client.query(
    `INSERT INTO sync_states (integration_id, resource, checkpoint, in_full_pass, last_job_id, updated_at, last_full_pass_at)
     VALUES ($1, $2, $3, $4, $5, now(), CASE WHEN $6::boolean THEN now() END)
     ON CONFLICT (integration_id, resource) DO UPDATE
       SET checkpoint = EXCLUDED.checkpoint, in_full_pass = EXCLUDED.in_full_pass, last_job_id = EXCLUDED.last_job_id, updated_at = now(),
           last_full_pass_at = CASE WHEN $6::boolean THEN now() ELSE sync_states.last_full_pass_at END`,
    [integrationId, resource, state.checkpoint === null ? null : JSON.stringify(state.checkpoint), state.inFullPass, jobId, fullPassEnded],
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
