import { recordAuditEvents } from '../audit/audit-bulk';
import { CROSS_SOURCE_FIELDS, disagreements, PersonSource, signatureOf, type CrossSourceField } from './cross-source-compare';

/** Anything that runs a query: a pg client (rows in `.rows`) or a TypeORM EntityManager (rows returned). */
export interface Queryable {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

async function rows<T>(db: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  const res = await db.query(sql, params);
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

interface SourceRow { person_id: string; record_id: string; integration_id: string; data: PersonSource['data']; at: Date }
interface OpenRow { id: string; person_id: string; field: string; status: string; sources: Array<{ recordId: string; value: unknown }> | null }

/** What one detection did. */
export interface CrossSourceCounts {
  /** Conflicts raised, or open ones whose sources' values changed (undecided again). */
  raised: number;
  /** Open conflicts closed because the sources came to agree (or one source is left). */
  closed: number;
}

const FIELD_DATA = CROSS_SOURCE_FIELDS.map((f) => `'${f}', r.data -> '${f}'`).join(', ');

/**
 * Cross-source conflict detection for a set of persons (docs/conflicts.md "Cross-source
 * conflicts"), in the caller's transaction: the record writer's, right after the person linker
 * ran over a batch, or a person's review decision or split. Two queries read, in bulk, the
 * compared fields of the persons' live linked records (only persons with records of two or
 * more integrations) and the persons' latest cross-source conflict per field; the comparison
 * runs in JS ({@link disagreements}, normalised values). Then, in one statement each:
 * - a field whose sources disagree gets an open `cross_source` conflict (one per person and
 *   field, `sources` = each source's value and time), or its open one is updated in place when
 *   the values changed (`strategy` NULL again: the `conflict-resolution` queue decides it);
 *   the same values as a conflict already decided raise nothing again;
 * - an open conflict whose sources now agree is closed: `resolved`, resolution `sources_agree`,
 *   audited `conflict.resolved` (actor `system`).
 * The conflict's record and integration are `anchorIntegrationId`'s record when it is among the
 * sources (the sync whose end schedules the queue), else the latest source's.
 */
export async function detectCrossSourceConflicts(
  db: Queryable, organizationId: string, personIds: string[], anchorIntegrationId?: string,
): Promise<CrossSourceCounts> {
  const counts: CrossSourceCounts = { raised: 0, closed: 0 };
  if (!personIds.length) return counts;
  // One after the other: a pg client and a transaction's query runner take one query at a time.
  const sources = await rows<SourceRow>(db,
      `WITH multi AS (
         SELECT pl.person_id FROM person_links pl JOIN records r ON r.id = pl.record_id
          WHERE pl.organization_id = $1 AND pl.person_id = ANY($2::uuid[]) AND r.deleted_at IS NULL
          GROUP BY pl.person_id HAVING count(DISTINCT r.integration_id) > 1)
       SELECT pl.person_id, r.id AS record_id, r.integration_id, jsonb_build_object(${FIELD_DATA}) AS data,
              COALESCE(conflict_source_instant(r.source_updated_at), r.updated_at) AS at
         FROM multi JOIN person_links pl ON pl.person_id = multi.person_id JOIN records r ON r.id = pl.record_id
        WHERE r.deleted_at IS NULL`,
      [organizationId, personIds]);
  const existing = await rows<OpenRow>(db,
      `SELECT DISTINCT ON (person_id, field) id, person_id, field, status, sources FROM conflicts
        WHERE organization_id = $1 AND kind = 'cross_source' AND person_id = ANY($2::uuid[])
        ORDER BY person_id, field, (status = 'open') DESC, updated_at DESC`,
      [organizationId, personIds]);
  const byPerson = new Map<string, PersonSource[]>();
  for (const s of sources) {
    const list = byPerson.get(s.person_id) ?? [];
    list.push({ recordId: s.record_id, integrationId: s.integration_id, data: s.data ?? {}, at: new Date(s.at).toISOString() });
    byPerson.set(s.person_id, list);
  }
  const latest = new Map(existing.map((c) => [`${c.person_id}|${c.field}`, c]));
  const upserts: object[] = [];
  const disputed = new Set<string>();
  for (const [personId, list] of byPerson) {
    for (const d of disagreements(list)) {
      const key = `${personId}|${d.field}`;
      disputed.add(key);
      const prior = latest.get(key);
      if (prior && signatureOf(d.field, prior.sources ?? []) === d.signature) continue; // nothing new since it was raised or decided
      const anchor = d.sources.find((s) => s.integrationId === anchorIntegrationId) ?? d.sources[0];
      upserts.push({
        person_id: personId, field: d.field, record_id: anchor.recordId, integration_id: anchor.integrationId,
        remote_value: anchor.value ?? null, remote_at: anchor.at, sources: d.sources,
      });
    }
  }
  // Closing first: a record that moved with a merge may anchor the new conflict while its old person's is still open.
  const agreeing = existing.filter((c) => c.status === 'open' && !disputed.has(`${c.person_id}|${c.field}`));
  if (agreeing.length) {
    const why = (c: OpenRow) => ((byPerson.get(c.person_id)?.length ?? 0) > 1 ? 'the sources agree' : 'one source left');
    await db.query(
      `UPDATE conflicts c SET status = 'resolved', resolution = 'sources_agree', reason = x.reason, resolved_by = 'system', resolved_at = now(),
              winning_integration_id = NULL, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, reason text)
        WHERE c.id = x.id AND c.status = 'open'`,
      [JSON.stringify(agreeing.map((c) => ({ id: c.id, reason: why(c) })))]);
    await recordAuditEvents(db, agreeing.map((c) => ({
      organizationId, actorType: 'system' as const, action: 'conflict.resolved', targetType: 'conflict', targetId: c.id,
      details: { personId: c.person_id, resourceType: 'patients', field: c.field as CrossSourceField, kind: 'cross_source', resolution: 'sources_agree' },
    })));
    counts.closed = agreeing.length;
  }
  if (upserts.length) {
    await db.query(
      `INSERT INTO conflicts (organization_id, record_id, integration_id, resource_type, field, kind, person_id, sources, remote_value, remote_at)
       SELECT $1, x.record_id, x.integration_id, 'patients', x.field, 'cross_source', x.person_id, x.sources, x.remote_value, x.remote_at
         FROM jsonb_to_recordset($2::jsonb) AS x(person_id uuid, field text, record_id uuid, integration_id uuid, remote_value jsonb, remote_at timestamptz, sources jsonb)
       ON CONFLICT (person_id, field) WHERE status = 'open' AND kind = 'cross_source'
       DO UPDATE SET sources = EXCLUDED.sources, record_id = EXCLUDED.record_id, integration_id = EXCLUDED.integration_id,
                     remote_value = EXCLUDED.remote_value, remote_at = EXCLUDED.remote_at, strategy = NULL, reason = NULL, updated_at = now()`,
      [organizationId, JSON.stringify(upserts)]);
    counts.raised = upserts.length;
  }
  return counts;
}

/**
 * After patient records of one integration were deleted at their source (tombstoned): their
 * persons' open cross-source conflicts are compared again without them, so a conflict whose
 * other side is gone closes (`sources_agree`, "one source left"). Only persons with an open
 * conflict are read; a deletion cannot raise one. `externalIds` are the integration's.
 */
export async function recheckAfterDeletes(db: Queryable, integrationId: string, externalIds: string[]): Promise<CrossSourceCounts> {
  if (!externalIds.length) return { raised: 0, closed: 0 };
  const persons = await rows<{ organization_id: string; person_id: string }>(db,
    `SELECT DISTINCT c.organization_id, c.person_id
       FROM records r JOIN person_links pl ON pl.record_id = r.id
       JOIN conflicts c ON c.person_id = pl.person_id AND c.kind = 'cross_source' AND c.status = 'open'
      WHERE r.integration_id = $1 AND r.resource_type = 'patients' AND r.external_id = ANY($2::text[])`,
    [integrationId, externalIds]);
  const counts: CrossSourceCounts = { raised: 0, closed: 0 };
  for (const org of new Set(persons.map((p) => p.organization_id))) {
    const done = await detectCrossSourceConflicts(db, org, persons.filter((p) => p.organization_id === org).map((p) => p.person_id), integrationId);
    counts.raised += done.raised;
    counts.closed += done.closed;
  }
  return counts;
}
