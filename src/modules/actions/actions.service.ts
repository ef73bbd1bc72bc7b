import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { Repository } from 'typeorm';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { Cipher, deriveKey, sha256Hex } from '../../common/crypto';
import { PG_POOL } from '../../database/database.module';
import { ActionRequest, ActionType } from '../../providers/provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../../providers/provider.exception';
import { ACTION_JOB_ATTEMPTS, ACTION_JOB_BACKOFF_MS, ActionJobData, JobName } from '../../queue/queue.constants';
import { ACTIONS_QUEUE } from '../../queue/queue.module';
import { AuditService } from '../audit/audit.service';
import { Actor, IntegrationsService } from '../integrations/integrations.service';
import { RecordWriter } from '../records/record-writer';
import { Action } from './action.entity';
import { ActionException, ActionExceptionCode } from './action.exception';
import { parseAction, stableJson } from './action-payload';

/** How long a request waits for a concurrent request with the same key to finish. */
const WAIT_FOR_CONCURRENT_MS = 30_000;

/** Submission outcome: the action row and whether it is a replay of an earlier request. */
export interface Submitted {
  action: Action;
  replayed: boolean;
}

/**
 * Write-back actions with idempotency keys. The unique key `(organization, integration,
 * Idempotency-Key)` decides which request runs: the first inserts the row and runs the action,
 * the others wait for its result (same body) or get 409 (different body). Payloads are stored
 * encrypted; queue jobs carry the action id only.
 */
@Injectable()
export class ActionsService {
  private readonly cipher: Cipher;

  constructor(
    @InjectRepository(Action) private readonly repo: Repository<Action>,
    @Inject(ACTIONS_QUEUE) private readonly queue: Queue<ActionJobData>,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(APP_ENV) env: AppEnv,
    private readonly integrations: IntegrationsService,
    private readonly writer: RecordWriter,
    private readonly audit: AuditService,
  ) {
    this.cipher = new Cipher(deriveKey(env.encryptionKey, 'action-payload'));
  }

  /**
   * Validates and submits an action. Sync mode runs it now; async mode enqueues it.
   * @throws 400 bad key or payload, 404 unknown integration, 409 key reused with another body or still running.
   */
  async submit(integrationId: string, body: { type: string; payload: Record<string, unknown> }, idempotencyKey: string | undefined, async: boolean, actor: Actor): Promise<Submitted> {
    if (!idempotencyKey || idempotencyKey.length > 255) {
      throw new ActionException(ActionExceptionCode.IDEMPOTENCY_KEY_REQUIRED, 'The Idempotency-Key header is required (1–255 characters)', [{ field: 'Idempotency-Key', errors: ['Idempotency-Key header is required'] }]);
    }
    const integration = await this.integrations.get(actor.organizationId, integrationId);
    const { adapter } = await this.integrations.adapterFor(integration);
    if (!adapter.writeBack) {
      throw new ActionException(ActionExceptionCode.NOT_SUPPORTED, `Vendor ${integration.vendor} does not support write-back actions`);
    }
    const request = parseAction(body.type as ActionType, body.payload);
    if (!adapter.writeBack.actions.includes(request.type)) {
      throw new ActionException(ActionExceptionCode.NOT_SUPPORTED, `Vendor ${integration.vendor} does not perform ${request.type}`, [{ field: 'type', errors: [`type must be one of: ${adapter.writeBack.actions.join(', ')}`] }]);
    }
    const requestHash = sha256Hex(stableJson({ type: body.type, payload: body.payload }));
    const id = (await this.repo.query(`SELECT gen_random_uuid() AS id`))[0].id as string;
    const inserted = await this.repo.query(
      `INSERT INTO actions (id, organization_id, integration_id, type, idempotency_key, request_hash, mode, payload_ciphertext)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (organization_id, integration_id, idempotency_key) DO NOTHING RETURNING id`,
      [id, actor.organizationId, integrationId, request.type, idempotencyKey, requestHash, async ? 'async' : 'sync', this.seal(id, request)],
    );
    if (!inserted.length) return this.replay(integrationId, idempotencyKey, requestHash, async, actor);
    await this.audit.record({
      organizationId: actor.organizationId, actorType: actor.actorId === 'system' ? 'system' : 'api_key', actorId: actor.actorId, action: 'action.requested',
      targetType: 'action', targetId: id, requestId: actor.requestId, details: { integrationId, type: request.type, mode: async ? 'async' : 'sync' },
    });
    if (async) {
      await this.queue.add(JobName.RUN_ACTION, { actionId: id }, {
        jobId: `action-${id}`, attempts: ACTION_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: ACTION_JOB_BACKOFF_MS },
        removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 },
      });
      return { action: await this.getById(id), replayed: false };
    }
    return { action: await this.execute(id, true), replayed: false };
  }

  private async replay(integrationId: string, key: string, hash: string, async: boolean, actor: Actor): Promise<Submitted> {
    const deadline = Date.now() + (async ? 0 : WAIT_FOR_CONCURRENT_MS);
    for (;;) {
      const existing = await this.repo.findOne({ where: { organizationId: actor.organizationId, integrationId, idempotencyKey: key } });
      if (!existing) throw new ActionException(ActionExceptionCode.IN_PROGRESS, 'A request with this Idempotency-Key is being processed; retry shortly');
      if (existing.requestHash !== hash) {
        throw new ActionException(ActionExceptionCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request body');
      }
      if (async || existing.status === 'succeeded' || existing.status === 'failed') return { action: existing, replayed: true };
      if (Date.now() > deadline) throw new ActionException(ActionExceptionCode.IN_PROGRESS, 'A request with this Idempotency-Key is still running; retry shortly');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Runs a pending action once: calls the vendor, stores what it answered in our records, and
   * records success or failure (audited). A temporary vendor failure is thrown again when
   * `finalOnTemporary` is false, so the queue retries it; otherwise it is recorded as failed.
   */
  async execute(actionId: string, finalOnTemporary: boolean): Promise<Action> {
    const action = await this.repo.createQueryBuilder('a').addSelect('a.payloadCiphertext').where('a.id = :actionId', { actionId }).getOne();
    if (!action) throw new ActionException(ActionExceptionCode.NOT_FOUND, 'Action not found');
    if (action.status === 'succeeded' || action.status === 'failed') return action;
    await this.repo.update({ id: action.id }, { status: 'running', attempts: action.attempts + 1 });
    const integration = await this.integrations.get(action.organizationId, action.integrationId);
    const { adapter, ctx } = await this.integrations.adapterFor(integration);
    const request = this.cipher.decryptJson<ActionRequest>(action.payloadCiphertext, `action:${action.id}`);
    try {
      if (!adapter.writeBack) throw new ProviderException(ProviderExceptionCode.UNSUPPORTED, `Vendor ${integration.vendor} no longer supports write-back actions`, { temporary: false });
      const outcome = await adapter.writeBack.performAction(ctx, request);
      await this.writer.writeAll(this.pool, action.organizationId, action.integrationId, outcome.records);
      await this.complete(action, 'succeeded', outcome.result);
    } catch (error) {
      if (!(error instanceof ProviderException)) throw error;
      if (error.temporary && !finalOnTemporary) {
        await this.repo.update({ id: action.id }, { status: 'pending', errorCode: error.code, errorMessage: `Retrying after: ${error.message}`.slice(0, 500) });
        throw error;
      }
      await this.complete(action, 'failed', null, { code: error.code, message: error.message });
    }
    return this.getById(action.id);
  }

  /** Marks an action failed after its last queue attempt. */
  async failFinally(actionId: string, error: { code: string; message: string }): Promise<void> {
    const action = await this.repo.findOne({ where: { id: actionId } });
    if (action && action.status !== 'succeeded' && action.status !== 'failed') await this.complete(action, 'failed', null, error);
  }

  private async complete(action: Action, status: 'succeeded' | 'failed', result: Record<string, unknown> | null, error?: { code: string; message: string }): Promise<void> {
    await this.repo.update({ id: action.id }, {
      status, result: result as never, completedAt: new Date(), errorCode: error?.code ?? null, errorMessage: error?.message.slice(0, 500) ?? null,
    });
    await this.audit.record({
      organizationId: action.organizationId, actorType: 'system', action: status === 'succeeded' ? 'action.succeeded' : 'action.failed',
      targetType: 'action', targetId: action.id, outcome: status === 'succeeded' ? 'success' : 'failure',
      details: { integrationId: action.integrationId, type: action.type, errorCode: error?.code ?? null },
    });
  }

  private seal(id: string, request: ActionRequest): Buffer {
    return this.cipher.encryptJson(request, `action:${id}`);
  }

  async getById(id: string): Promise<Action> {
    const action = await this.repo.findOne({ where: { id } });
    if (!action) throw new ActionException(ActionExceptionCode.NOT_FOUND, 'Action not found');
    return action;
  }

  /** @throws 404 for another organization's action. */
  async get(organizationId: string, id: string): Promise<Action> {
    const action = await this.repo.findOne({ where: { id, organizationId } });
    if (!action) throw new ActionException(ActionExceptionCode.NOT_FOUND, 'Action not found');
    return action;
  }
}
