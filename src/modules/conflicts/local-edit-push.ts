import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { ActionException } from '../actions/action.exception';
import { ActionsService } from '../actions/actions.service';
import { IntegrationsService } from '../integrations/integrations.service';
import type { LocalData } from '../records/local-edits';
import { patientUpdateFields } from './patient-write-back-fields';

/** Counts of one push (OutboundProgress of a sync job). */
export interface PushCounts {
  records: number;
  written: number;
  refused: number;
  skipped: number;
  done: boolean;
}

interface EditedRow {
  id: string;
  external_id: string;
  version: number;
  local_data: LocalData;
}

/**
 * The outbound half of a sync job (`direction: outbound | bidirectional`; docs/conflicts.md):
 * every patient of the integration with local edits, except fields with an open conflict
 * (a person or the policy settles those), is written back with one `update_patient` action per
 * patient (idempotency key `push-<recordId>-<version>`), when the adapter offers it and the
 * fields fit it ({@link patientUpdateFields}). The vendor's answer is stored as its current
 * version; each pushed field is read back, and the edits the vendor now holds are dropped (the
 * source shows them). A refusal or a different value leaves the edits as they are.
 */
@Injectable()
export class LocalEditPush {
  constructor(
    private readonly dataSource: DataSource,
    private readonly integrations: IntegrationsService,
    private readonly actions: ActionsService,
  ) {}

  async push(organizationId: string, integrationId: string): Promise<PushCounts> {
    const counts: PushCounts = { records: 0, written: 0, refused: 0, skipped: 0, done: true };
    const rows: EditedRow[] = await this.dataSource.query(
      `SELECT id, external_id, version, local_data FROM records
        WHERE integration_id = $1 AND resource_type = 'patients' AND local_data IS NOT NULL AND deleted_at IS NULL ORDER BY external_id`,
      [integrationId]);
    counts.records = rows.length;
    if (!rows.length) return counts;
    const { adapter } = await this.integrations.adapterFor(await this.integrations.get(organizationId, integrationId));
    if (!adapter.writeBack?.actions.includes('update_patient')) return { ...counts, skipped: rows.length };
    for (const row of rows) counts[await this.pushOne(organizationId, integrationId, row)]++;
    return counts;
  }

  private async pushOne(organizationId: string, integrationId: string, row: EditedRow): Promise<'written' | 'refused' | 'skipped'> {
    const open = new Set((await this.dataSource.query(
      `SELECT field FROM conflicts WHERE record_id = $1 AND status = 'open'`, [row.id]) as Array<{ field: string }>).map((c) => c.field));
    const pushed: Record<string, Record<string, unknown>> = {};
    for (const [field, edit] of Object.entries(row.local_data)) {
      const fields = open.has(field) ? null : patientUpdateFields(field, edit.value);
      if (fields) pushed[field] = fields;
    }
    if (!Object.keys(pushed).length) return 'skipped';
    const payload = Object.assign({ patientExternalId: row.external_id }, ...Object.values(pushed));
    try {
      const { action } = await this.actions.submit(integrationId, { type: 'update_patient', payload }, `push-${row.id}-${row.version}`, false,
        { organizationId, actorId: 'system' });
      if (action.status !== 'succeeded') return 'refused';
    } catch (error) {
      if (error instanceof ActionException) return 'refused';
      throw error;
    }
    return this.dropHeld(row.id, pushed);
  }

  /** Drops the pushed edits the vendor now holds (compared as the action carries them), under a row lock. */
  private async dropHeld(recordId: string, pushed: Record<string, Record<string, unknown>>): Promise<'written' | 'refused'> {
    return this.dataSource.transaction(async (manager) => {
      const [now] = await manager.query('SELECT data, local_data FROM records WHERE id = $1 FOR UPDATE', [recordId]) as
        Array<{ data: Record<string, unknown>; local_data: LocalData | null }>;
      const local: LocalData = { ...(now?.local_data ?? {}) };
      let held = 0;
      for (const [field, fields] of Object.entries(pushed)) {
        const vendor = patientUpdateFields(field, now?.data[field] ?? null);
        if (!isDeepStrictEqual(vendor, fields)) continue;
        held++;
        // Only when the edit is still the one pushed (a PATCH meanwhile stays).
        if (local[field] && isDeepStrictEqual(patientUpdateFields(field, local[field].value), fields)) delete local[field];
      }
      await manager.query('UPDATE records SET local_data = $2, version = version + 1, updated_at = now() WHERE id = $1',
        [recordId, Object.keys(local).length ? JSON.stringify(local) : null]);
      return held === Object.keys(pushed).length ? 'written' : 'refused';
    });
  }
}
