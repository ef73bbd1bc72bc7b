import { Injectable } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { ActionException } from '../actions/action.exception';
import { ActionsService } from '../actions/actions.service';
import { Actor, IntegrationsService } from '../integrations/integrations.service';
import type { ConflictRow } from './conflict.row';
import { patientUpdateFields } from './patient-write-back-fields';

/** What happened when a resolved value was sent to the vendor. */
export interface WriteBackOutcome {
  /** written: the vendor holds the value now (read back and compared); mismatch: it answered with another value; refused: it (or our payload check) said no; unsupported: not written. */
  status: 'written' | 'mismatch' | 'refused' | 'unsupported';
  actionId: string | null;
  errorCode: string | null;
  message: string | null;
  at: string;
}

/**
 * Two-way sync of a resolved conflict (docs/conflicts.md): a patient field that the vendor's
 * adapter can write (`writeBack.actions` offers `update_patient`, and the field fits the action,
 * {@link patientUpdateFields}) is sent through the action machinery with the idempotency key
 * `conflict-<id>-<updated_at>` (a retry of the same attempt replays it; a new attempt after a
 * refusal is a new key). The adapter answers with the vendor's patient as it now is, which the
 * action writes to the store; the field is then read back and compared as the action carries it.
 */
@Injectable()
export class ConflictWriteBack {
  constructor(
    private readonly dataSource: DataSource,
    private readonly integrations: IntegrationsService,
    private readonly actions: ActionsService,
  ) {}

  async send(conflict: ConflictRow, value: unknown, actor: Actor): Promise<WriteBackOutcome> {
    const at = new Date().toISOString();
    const outcome = (status: WriteBackOutcome['status'], rest: Partial<WriteBackOutcome> = {}): WriteBackOutcome =>
      ({ status, actionId: null, errorCode: null, message: null, at, ...rest });
    const fields = conflict.resource_type === 'patients' ? patientUpdateFields(conflict.field, value) : null;
    if (!fields) return outcome('unsupported', { message: `${conflict.field} of ${conflict.resource_type} is not written back` });
    const integration = await this.integrations.get(conflict.organization_id, conflict.integration_id);
    const { adapter } = await this.integrations.adapterFor(integration);
    if (!adapter.writeBack?.actions.includes('update_patient')) return outcome('unsupported', { message: `${integration.vendor} does not update patients` });
    const [record] = await this.dataSource.query('SELECT external_id FROM records WHERE id = $1', [conflict.record_id]) as Array<{ external_id: string }>;
    if (!record) return outcome('unsupported', { message: 'the record is gone' });
    const key = `conflict-${conflict.id}-${new Date(conflict.updated_at).getTime()}`;
    try {
      const { action } = await this.actions.submit(conflict.integration_id,
        { type: 'update_patient', payload: { patientExternalId: record.external_id, ...fields } }, key, false, actor);
      if (action.status !== 'succeeded') return outcome('refused', { actionId: action.id, errorCode: action.errorCode, message: action.errorMessage });
      const [now] = await this.dataSource.query('SELECT data -> $2 AS value FROM records WHERE id = $1', [conflict.record_id, conflict.field]) as Array<{ value: unknown }>;
      const same = isDeepStrictEqual(patientUpdateFields(conflict.field, now?.value ?? null), fields);
      return outcome(same ? 'written' : 'mismatch', { actionId: action.id, message: same ? null : 'the vendor holds another value after the update' });
    } catch (error) {
      if (!(error instanceof ActionException)) throw error;
      return outcome('refused', { errorCode: error.code, message: error.message });
    }
  }
}
