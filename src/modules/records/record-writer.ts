import { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KeyObject } from 'node:crypto';
import { Cipher, contentHash, secretKey } from '../../common/crypto';
import { CanonicalData, CanonicalRecord, ResourceType } from '../../providers/provider-adapter';
import { copyLine } from './copy-text';
import { withTransaction } from '../../database/transaction';
import { linkPatients, patientLinkKeys, patientMatchKey } from './patient-linker';
import { byExternalIds } from './records.repository';
import { linkPersons } from '../persons/person-linker';
import { detectStagedConflicts } from '../conflicts/conflict-detection';
import { recheckAfterDeletes } from '../conflicts/cross-source-detection';

/** Where a batch goes. */
export interface WriteTarget {
  organizationId: string;
  integrationId: string;
  resource: ResourceType;
}

/** What a batch did to the store. */
export interface WriteCounts {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Records the source reports deleted that we never stored: nothing to do. */
  skipped: number;
  /** Three-way conflicts the batch raised (or updated) between local edits and new source values. */
  conflicts: number;
}

/** A record serialised once, with its keyed content hash. */
export interface PreparedRecord {
  record: CanonicalRecord;
  data: string;
  raw: string | null;
  sensitive: string | null;
  hash: string;
}

/** Separator of the content hash's parts. */
const SEP = '\u0001';

/** Rows per chunk written to a COPY stream. */
const COPY_CHUNK_ROWS = 200;

const STAGE_COLUMNS = [
  'external_id', 'data', 'raw', 'sensitive_ciphertext', 'content_hash', 'patient_external_id', 'patient_id',
  'search_text', 'birth_date', 'starts_at', 'status', 'source_updated_at', 'deleted_at', 'match_key', 'link_keys',
];

const ARRAY_ESCAPABLE = /["\\]/g;

/** A text[] literal for COPY (https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO): each element quoted, `"` and `\` escaped. */
export function textArrayLiteral(values: string[] | null): string | null {
  if (!values) return null;
  return `{${values.map((v) => `"${v.replace(ARRAY_ESCAPABLE, '\\$&')}"`).join(',')}}`;
}

/**
 * Bulk writer for canonical records, used inside the caller's transaction:
 * 1. hash every record (HMAC of its canonical JSON) and fetch the stored hashes of the batch
 *    in one indexed query, so unchanged rows are never sent again, let alone rewritten;
 * 2. COPY new rows straight into `records` (the writer is the integration's only one: one
 *    active sync job per integration; the unique key still guards against a duplicate);
 * 3. COPY changed rows into a temporary staging table, raise three-way conflicts where a new
 *    source value meets a local edit (one set-based INSERT, see {@link detectStagedConflicts}),
 *    and apply them with one UPDATE that bumps `version` and keeps local edits (`local_data`) untouched.
 * Appointments (and other patient-owned records) are linked to our patient id by external id.
 * Tombstones (`deletedExternalIds`) set `deleted_at` once. New and changed patients are then
 * linked to the same person from the organization's other sources (see {@link linkPatients}) and
 * put into persons by the matcher (see {@link linkPersons}, docs/persons.md).
 */
export class RecordWriter {
  private readonly hashKey: KeyObject;

  constructor(hashKey: Buffer, private readonly cipher: Cipher) {
    this.hashKey = secretKey(hashKey);
  }

  /**
   * Serialises and hashes records (CPU only, no I/O). The engine runs this for the next batch
   * while Postgres is still writing the current one.
   */
  prepare(records: CanonicalRecord[]): PreparedRecord[] {
    return records.map((r) => {
      // Serialise once: the same strings feed the hash and the COPY line.
      const data = JSON.stringify(r.data);
      const raw = r.raw ? JSON.stringify(r.raw) : null;
      const sensitive = r.sensitive ? JSON.stringify(r.sensitive) : null;
      const hash = contentHash(this.hashKey, data, SEP, String(raw), SEP, String(sensitive), SEP, r.deleted ? '1' : '0', SEP, r.patientExternalId ?? '');
      return { record: r, data, raw, sensitive, hash };
    });
  }

  /** Writes records of several resources (an action's answer) in one transaction of their own. */
  async writeAll(pool: Pool, organizationId: string, integrationId: string, items: Array<{ resource: ResourceType; record: CanonicalRecord }>): Promise<void> {
    if (!items.length) return;
    await withTransaction(pool, async (client) => {
      for (const { resource, record } of items) {
        await this.write(client, { organizationId, integrationId, resource }, this.prepare([record]), []);
      }
    });
  }

  async write(client: PoolClient, target: WriteTarget, records: PreparedRecord[], deletedExternalIds: string[]): Promise<WriteCounts> {
    const counts: WriteCounts = { added: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0, conflicts: 0 };
    if (records.length) {
      const written = await this.upsert(client, target, records, counts);
      if (target.resource === 'patients') {
        await linkPatients(client, target.organizationId, target.integrationId, written);
        const dataOf = new Map(records.map((r) => [r.record.externalId, r.record.data as CanonicalData['patients']]));
        await linkPersons(client, target.organizationId, target.integrationId, written.map((externalId) => ({ externalId, data: dataOf.get(externalId)! })));
      }
    }
    if (deletedExternalIds.length) {
      const res = await client.query(
        `UPDATE records SET deleted_at = now(), version = version + 1, updated_at = now()
          WHERE integration_id = $1 AND resource_type = $2 AND external_id = ANY($3::text[]) AND deleted_at IS NULL`,
        [target.integrationId, target.resource, deletedExternalIds],
      );
      counts.deleted += res.rowCount ?? 0;
      counts.skipped += deletedExternalIds.length - (res.rowCount ?? 0);
    }
    if (target.resource === 'patients') {
      // A patient deleted at its source leaves its person's comparison: open cross-source conflicts it was part of may close.
      const gone = [...deletedExternalIds, ...records.filter((r) => r.record.deleted).map((r) => r.record.externalId)];
      await recheckAfterDeletes(client, target.integrationId, gone);
    }
    return counts;
  }

  /** Inserts new and merges changed records; returns the external ids written. */
  private async upsert(client: PoolClient, target: WriteTarget, hashed: PreparedRecord[], counts: WriteCounts): Promise<string[]> {
    const existing = await client.query<{ external_id: string; content_hash: string; deleted: boolean }>(
      byExternalIds('r.external_id, r.content_hash, r.deleted_at IS NOT NULL AS deleted'),
      [target.integrationId, target.resource, hashed.map((h) => h.record.externalId)],
    );
    const stored = new Map(existing.rows.map((r) => [r.external_id, r]));
    const fresh: PreparedRecord[] = [];
    const changed: PreparedRecord[] = [];
    for (const item of hashed) {
      const before = stored.get(item.record.externalId);
      if (before && before.content_hash === item.hash) counts.unchanged++;
      else if (!before && item.record.deleted) counts.skipped++; // deleted at the source before we ever saw it
      else if (!before) (counts.added++, fresh.push(item));
      else {
        if (item.record.deleted && !before.deleted) counts.deleted++;
        else counts.updated++;
        changed.push(item);
      }
    }
    if (!fresh.length && !changed.length) return [];
    const patientIds = await this.patientIds(client, target, [...fresh, ...changed].map((h) => h.record.patientExternalId));
    const line = (h: PreparedRecord) => this.line(target, h.record, h.data, h.raw, h.sensitive, h.hash, patientIds);
    if (fresh.length) {
      // New rows go straight into records: one write instead of staging plus merge.
      const prefix = `${target.organizationId}\t${target.integrationId}\t${target.resource}\t`;
      // Lines go out in chunks of COPY_CHUNK_ROWS: no batch-sized string to build and collect.
      const chunks = function* () {
        for (let i = 0; i < fresh.length; i += COPY_CHUNK_ROWS) yield fresh.slice(i, i + COPY_CHUNK_ROWS).map((h) => prefix + line(h)).join('');
      };
      await pipeline(Readable.from(chunks()), client.query(copyFrom(
        `COPY records (organization_id, integration_id, resource_type, ${STAGE_COLUMNS.join(', ')}) FROM STDIN`)));
    }
    if (changed.length) counts.conflicts += await this.merge(client, target, changed.map(line).join(''));
    return [...fresh, ...changed].map((h) => h.record.externalId);
  }

  /** Our ids of the batch's patients, by their external id (links appointments, coverages…). */
  private async patientIds(client: PoolClient, target: WriteTarget, externalIds: Array<string | null | undefined>): Promise<Map<string, string>> {
    const wanted = [...new Set(externalIds.filter((id): id is string => !!id))];
    if (!wanted.length) return new Map();
    const res = await client.query<{ external_id: string; id: string }>(
      byExternalIds('r.external_id, r.id'),
      [target.integrationId, 'patients', wanted],
    );
    return new Map(res.rows.map((r) => [r.external_id, r.id]));
  }

  /**
   * Changed rows: COPY into a staging table, detect three-way conflicts with local edits over the
   * whole stage (set-based, before `data` is overwritten), then one merge that bumps `version` and
   * leaves `local_data` alone. Returns the number of conflicts raised.
   */
  private async merge(client: PoolClient, target: WriteTarget, copyText: string): Promise<number> {
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS records_stage (
        external_id text, data jsonb, raw json, sensitive_ciphertext bytea, content_hash text, patient_external_id text,
        patient_id uuid, search_text text, birth_date date, starts_at timestamptz, status text, source_updated_at text, deleted_at timestamptz,
        match_key text, link_keys text[]
      ) ON COMMIT DELETE ROWS`);
    await pipeline(Readable.from([copyText]), client.query(copyFrom(`COPY records_stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN`)));
    const conflicts = await detectStagedConflicts(client, target.integrationId, target.resource);
    await client.query(
      `UPDATE records AS r SET
              data = s.data, raw = s.raw, sensitive_ciphertext = s.sensitive_ciphertext, content_hash = s.content_hash,
              patient_external_id = s.patient_external_id, patient_id = s.patient_id, search_text = s.search_text,
              birth_date = s.birth_date, starts_at = s.starts_at, status = s.status, source_updated_at = s.source_updated_at,
              match_key = s.match_key, link_keys = s.link_keys,
              deleted_at = CASE WHEN s.deleted_at IS NULL THEN NULL ELSE COALESCE(r.deleted_at, s.deleted_at) END,
              version = r.version + 1, last_synced_at = now(), updated_at = now()
         FROM records_stage s
        WHERE r.integration_id = $1 AND r.resource_type = $2 AND r.external_id = s.external_id
          AND r.content_hash IS DISTINCT FROM s.content_hash`,
      [target.integrationId, target.resource],
    );
    return conflicts;
  }

  private line(
    target: WriteTarget, r: CanonicalRecord, data: string, raw: string | null, sensitive: string | null, hash: string, patientIds: Map<string, string>,
  ): string {
    const aad = `record:${target.integrationId}:${target.resource}:${r.externalId}`;
    const patient = target.resource === 'patients' ? (r.data as CanonicalData['patients']) : null;
    return copyLine([
      r.externalId,
      data,
      raw,
      sensitive ? this.cipher.encrypt(sensitive, aad) : null,
      hash,
      r.patientExternalId ?? null,
      r.patientExternalId ? patientIds.get(r.patientExternalId) ?? null : null,
      r.index?.searchText ?? null,
      r.index?.birthDate ?? null,
      r.index?.startsAt ?? null,
      r.index?.status ?? null,
      r.sourceUpdatedAt ?? null,
      r.deleted ? new Date().toISOString() : null,
      patient ? patientMatchKey(patient) : null,
      patient ? textArrayLiteral(patientLinkKeys(patient)) : null,
    ]);
  }
}
