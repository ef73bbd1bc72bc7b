import { Pool, PoolClient } from 'pg';
import { CanonicalData, CanonicalRecord, ResourceType } from '../../canonical';
import { Rederive } from '../../canonical/rederive';
import { Cipher } from '../../common/crypto';
import { withTransaction } from '../../database/transaction';
import { linkPersons } from '../persons/person-linker';
import { linkPatients, patientLinkKeys, patientMatchKey } from './patient-linker';
import { RecordWriter, textArrayLiteral } from './record-writer';

/** What a re-derive run did. */
export interface RederiveCounts {
  integrations: number;
  /** Records read back. */
  read: number;
  /** Records whose `data` (and index columns) were rewritten. */
  rewritten: number;
  /** Records the current mappers give exactly as stored. */
  unchanged: number;
  /** Records without `raw`, or that the mapper no longer maps, or of a vendor without a re-derive function: left as they are. */
  kept: number;
  /** Patients newly linked to another source (identifiers the old shape did not carry). */
  linked: number;
}

/** Which records to re-derive: all, one organization's or one integration's. */
export interface RederiveScope {
  organizationId?: string;
  integrationId?: string;
  /** Records per transaction (default 1000). */
  batchSize?: number;
  /** Runs on each re-mapped record before hashing (the integration's transformation rules); null keeps the stored record. */
  transform?: (resource: ResourceType, record: CanonicalRecord) => Promise<CanonicalRecord | null>;
  /** Called after each batch with the counts so far (progress). */
  onBatch?: (counts: RederiveCounts) => Promise<void>;
}

interface StoredRow {
  id: string;
  resource_type: ResourceType;
  external_id: string;
  data: Record<string, unknown>;
  raw: Record<string, unknown> | null;
  sensitive_ciphertext: Buffer | null;
  patient_external_id: string | null;
  content_hash: string | null;
}

/**
 * Rewrites stored records' `data` into the current canonical shape from their stored `raw`
 * rows, without contacting any vendor (docs/canonical-model.md, "Re-deriving stored records"):
 * per integration, pages through its records by id in batches, maps each `raw` again with the
 * vendor's {@link Rederive} and the integration's config, and in one transaction per batch
 * rewrites `data`, `content_hash` (the same hash a sync would compute, so the next sync sees
 * no change), the index columns, `match_key` and `link_keys`, bumping `version`. Local edits
 * (`local_data`), `sensitive_ciphertext`, deletions and links are left alone; a patient's
 * `ssnLast4` is kept from the stored data (`raw` never holds the SSN). Patients then get
 * linked where their new identifiers allow. Idempotent: a second run rewrites nothing.
 */
export class RecordRederiver {
  constructor(
    private readonly writer: RecordWriter,
    private readonly cipher: Cipher,
    private readonly rederivers: Readonly<Record<string, Rederive>>,
  ) {}

  async run(pool: Pool, scope: RederiveScope = {}): Promise<RederiveCounts> {
    const counts: RederiveCounts = { integrations: 0, read: 0, rewritten: 0, unchanged: 0, kept: 0, linked: 0 };
    const integrations = (await pool.query<{ id: string; organization_id: string; vendor: string; config: Record<string, unknown> }>(
      `SELECT id, organization_id, vendor, config FROM integrations
        WHERE ($1::uuid IS NULL OR organization_id = $1) AND ($2::uuid IS NULL OR id = $2) ORDER BY created_at, id`,
      [scope.organizationId ?? null, scope.integrationId ?? null],
    )).rows;
    for (const integration of integrations) {
      counts.integrations++;
      const rederive = this.rederivers[integration.vendor];
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = (await pool.query<StoredRow>(
          `SELECT id, resource_type, external_id, data, raw, sensitive_ciphertext, patient_external_id, content_hash
             FROM records WHERE integration_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
          [integration.id, after, scope.batchSize ?? 1000],
        )).rows;
        if (!rows.length) break;
        after = rows[rows.length - 1].id;
        counts.read += rows.length;
        await withTransaction(pool, (client) => this.batch(client, integration, rederive, rows, counts, scope.transform));
        await scope.onBatch?.(counts);
      }
    }
    return counts;
  }

  private async batch(
    client: PoolClient, integration: { id: string; organization_id: string; config: Record<string, unknown> }, rederive: Rederive | undefined,
    rows: StoredRow[], counts: RederiveCounts, transform?: RederiveScope['transform'],
  ): Promise<void> {
    const updates: Array<{ row: StoredRow; record: CanonicalRecord; hash: string; data: string }> = [];
    for (const row of rows) {
      let record = rederive && row.raw
        ? rederive({ resource: row.resource_type, externalId: row.external_id, raw: row.raw, patientExternalId: row.patient_external_id, config: integration.config ?? {} })
        : null;
      if (!record || record.externalId !== row.external_id) {
        counts.kept++;
        continue;
      }
      if (transform && !(record = await transform(row.resource_type, record))) {
        counts.kept++;
        continue;
      }
      if (row.resource_type === 'patients') {
        const patient = record.data as CanonicalData['patients'];
        if (patient.ssnLast4 === null && typeof row.data.ssnLast4 === 'string') patient.ssnLast4 = row.data.ssnLast4;
      }
      const aad = `record:${integration.id}:${row.resource_type}:${row.external_id}`;
      record.sensitive = row.sensitive_ciphertext ? this.cipher.decryptJson<Record<string, string>>(row.sensitive_ciphertext, aad) : undefined;
      const [prepared] = this.writer.prepare([record]);
      if (prepared.hash === row.content_hash) counts.unchanged++;
      else updates.push({ row, record, hash: prepared.hash, data: prepared.data });
    }
    // Every patient of the batch gets its blocking keys and a person (records stored before persons had neither).
    const derived = new Map(updates.map((u) => [u.row.id, u.record.data as CanonicalData['patients']]));
    const batchPatients = rows.filter((r) => r.resource_type === 'patients')
      .map((r) => ({ externalId: r.external_id, data: derived.get(r.id) ?? (r.data as unknown as CanonicalData['patients']) }));
    if (!updates.length) {
      if (batchPatients.length) await linkPersons(client, integration.organization_id, integration.id, batchPatients);
      return;
    }
    const patient = (u: (typeof updates)[number]) => (u.row.resource_type === 'patients' ? (u.record.data as CanonicalData['patients']) : null);
    const res = await client.query(
      `UPDATE records r SET data = u.data::jsonb, content_hash = u.hash, search_text = u.search_text, birth_date = u.birth_date::date,
              starts_at = u.starts_at::timestamptz, status = u.status, match_key = u.match_key, link_keys = u.link_keys::text[],
              version = r.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
              AS u(id, data, hash, search_text, birth_date, starts_at, status, match_key, link_keys)
        WHERE r.id = u.id`,
      [
        updates.map((u) => u.row.id), updates.map((u) => u.data), updates.map((u) => u.hash),
        updates.map((u) => u.record.index?.searchText ?? null), updates.map((u) => u.record.index?.birthDate ?? null),
        updates.map((u) => u.record.index?.startsAt ?? null), updates.map((u) => u.record.index?.status ?? null),
        updates.map((u) => { const p = patient(u); return p ? patientMatchKey(p) : null; }),
        updates.map((u) => { const p = patient(u); return p ? textArrayLiteral(patientLinkKeys(p)) : null; }),
      ],
    );
    counts.rewritten += res.rowCount ?? 0;
    const patients = updates.filter((u) => u.row.resource_type === 'patients').map((u) => u.row.external_id);
    if (patients.length) counts.linked += await linkPatients(client, integration.organization_id, integration.id, patients);
    if (batchPatients.length) await linkPersons(client, integration.organization_id, integration.id, batchPatients);
  }
}
