import { DataSource } from 'typeorm';

/** Where a chain stops verifying. `reason`: the stored hash does not match the event's fields, the event does not point at its predecessor, or an event is missing. */
export interface ChainBreak {
  id: string;
  chainSeq: number;
  reason: 'hash_mismatch' | 'link_mismatch' | 'gap';
}

/** Where verification starts after older partitions were dropped (retention): `chainSeq` and the partition that held the event before it. */
export interface ChainAnchor {
  chainSeq: number;
  droppedPartition: string;
  droppedAt: Date;
}

/** Result of verifying an organization's audit chain. */
export interface ChainVerification {
  ok: boolean;
  /** Events checked (all of them when ok). */
  checked: number;
  firstBroken: ChainBreak | null;
  /** Null while the chain is whole from its first event. */
  anchor: ChainAnchor | null;
}

const PAGE = 5000;

/**
 * Recomputes an organization's audit hash chain (see migration AuditHashChain) in `chain_seq`
 * order, in pages of 5,000, and names the first event whose hash, link to its predecessor, or
 * place in the sequence is wrong. Cost: one indexed range scan; the hashing runs in PostgreSQL
 * with the same `audit_event_hash` function the insert trigger uses.
 *
 * After retention dropped old partitions (audit-partitions.ts), the chain starts at its anchor in
 * `audit_chain_anchors`: the first event to check is the anchor's `chain_seq`, and it must point
 * at the stored hash of the last dropped event. A missing or altered first event is still found.
 */
export async function verifyAuditChain(dataSource: DataSource, organizationId: string): Promise<ChainVerification> {
  const [start]: Array<{ chain_seq: string; prev_hash: string; partition_name: string; dropped_at: Date }> = await dataSource.query(
    `SELECT chain_seq, encode(prev_hash, 'hex') AS prev_hash, partition_name, dropped_at FROM audit_chain_anchors WHERE chain_key = $1`, [organizationId]);
  const anchor: ChainAnchor | null = start ? { chainSeq: Number(start.chain_seq), droppedPartition: start.partition_name, droppedAt: start.dropped_at } : null;
  let afterSeq = anchor ? anchor.chainSeq - 1 : 0;
  let prevHash: string | null = start?.prev_hash ?? null;
  let checked = 0;
  for (;;) {
    const rows: Array<{ id: string; chain_seq: string; hash: string; prev_hash: string | null; recomputed: string }> = await dataSource.query(
      `SELECT id, chain_seq, encode(hash, 'hex') AS hash, encode(prev_hash, 'hex') AS prev_hash, encode(audit_event_hash(prev_hash, e), 'hex') AS recomputed
         FROM audit_events e WHERE organization_id = $1 AND chain_seq > $2 ORDER BY chain_seq LIMIT ${PAGE}`,
      [organizationId, afterSeq],
    );
    for (const row of rows) {
      const chainSeq = Number(row.chain_seq);
      const broken = (reason: ChainBreak['reason']): ChainVerification => ({ ok: false, checked, firstBroken: { id: row.id, chainSeq, reason }, anchor });
      if (chainSeq !== afterSeq + 1) return broken('gap');
      if (row.prev_hash !== prevHash) return broken('link_mismatch');
      if (row.recomputed !== row.hash) return broken('hash_mismatch');
      checked++;
      afterSeq = chainSeq;
      prevHash = row.hash;
    }
    if (rows.length < PAGE) return { ok: true, checked, firstBroken: null, anchor };
  }
}
