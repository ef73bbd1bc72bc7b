import type { AuditInput } from './audit.service';

/** Anything that runs a query: a pg client or a TypeORM EntityManager. */
export interface AuditQueryable {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * Appends many audit events in one INSERT inside the caller's transaction (a pg client of the
 * sync's write path, or an EntityManager); the hash-chain trigger orders them like single inserts.
 * `details` must hold ids, counts and codes only: no PHI, no secrets.
 */
export async function recordAuditEvents(db: AuditQueryable, events: AuditInput[]): Promise<void> {
  if (!events.length) return;
  const rows = events.map((e) => ({
    organization_id: e.organizationId, actor_type: e.actorType, actor_id: e.actorId ?? (e.actorType === 'system' ? 'system' : null),
    action: e.action, target_type: e.targetType ?? null, target_id: e.targetId ?? null, outcome: e.outcome ?? 'success',
    request_id: e.requestId ?? null, details: e.details ?? {},
  }));
  await db.query(
    `INSERT INTO audit_events (organization_id, actor_type, actor_id, action, target_type, target_id, outcome, request_id, details)
     SELECT organization_id, actor_type, actor_id, action, target_type, target_id, outcome, request_id, details
       FROM jsonb_to_recordset($1::jsonb) AS e(organization_id uuid, actor_type text, actor_id text, action text, target_type text,
                                               target_id text, outcome text, request_id text, details jsonb)`,
    [JSON.stringify(rows)],
  );
}
