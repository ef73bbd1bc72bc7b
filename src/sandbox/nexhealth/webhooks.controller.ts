import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { NexHealthEndpoint } from './endpoint.decorator';
import { NexApiError, NexEnvelope, ok } from './envelope';
import { ApiKeyHash } from './gate.guard';
import { NexWebhookEndpoint, NexWebhookSubscription } from './institution';
import { webhookEndpointJson } from './json';
import { bodyObject, optBool, param, pathId, Query as Q } from './params';
import { iso } from './reference-data';
import { NexHealthSandbox } from './sandbox-control.service';
import { scope } from './scope';
import { randomBytes } from 'node:crypto';

/** resource_type values of a subscription (postWebhookEndpointsIdWebhookSubscriptions). */
export const RESOURCE_TYPES = [
  'Adjustment', 'AdjustmentType', 'Appointment', 'Charge', 'Claim', 'Document', 'FeeSchedule', 'FormResponse', 'Message', 'Onboarding',
  'Patient', 'PatientInsuranceCoverage', 'Payment', 'PaymentType', 'Procedure', 'ProcedureCode', 'SyncStatus', 'TreatmentPlan',
];

/** Events a subscription may name (the same schema's enum, as of v3.0.0). */
export const EVENTS = [
  'adjustment_created', 'adjustment_updated', 'adjustment_deleted', 'adjustment_insertion', 'adjustment_type_created', 'adjustment_type_updated',
  'appointment_insertion', 'appointment_created', 'appointment_updated', 'appointment_requested', 'charge_created', 'charge_updated', 'charge_deleted',
  'claim_created', 'claim_updated', 'claim_deleted', 'document_insertion', 'fee_schedule_created', 'fee_schedule_updated', 'form_response_insertion',
  'message_created', 'message_updated', 'onboarding_created', 'onboarding_updated', 'onboarding_availability_ready', 'patient_created', 'patient_updated',
  'patient_insurance_created', 'patient_insurance_updated', 'payment_created', 'payment_updated', 'payment_deleted', 'payment_insertion',
  'payment_type_created', 'payment_type_updated', 'procedure_created', 'procedure_updated', 'procedure_code_created', 'procedure_code_updated',
  'procedure_code_deleted', 'sync_status_read_change', 'sync_status_write_change', 'treatment_plan_created', 'treatment_plan_updated', 'treatment_plan_deleted',
];

function targetUrl(value: unknown): string {
  // NexHealth requires https; the sandbox also takes http so local receivers can be used.
  if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/i.test(value)) throw NexApiError.badRequest('target_url must be an http(s) URL');
  try {
    new URL(value);
  } catch {
    throw NexApiError.badRequest('target_url must be an http(s) URL');
  }
  return value;
}

function optionalBool(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw NexApiError.badRequest(`${name} must be a boolean`);
  return value;
}

/** Simulated webhook endpoints and subscriptions (§3 Webhooks, [NEX-WH]); endpoints belong to the API key that made them. */
@NexHealthEndpoint('webhook_endpoints')
export class NexWebhooksController {
  constructor(private readonly sandbox: NexHealthSandbox) {}

  private endpoint(owner: string, id: string): NexWebhookEndpoint {
    const endpoint = this.sandbox.endpoints.get(pathId(id));
    if (!endpoint || endpoint.owner !== owner) throw NexApiError.notFound('Webhook endpoint');
    return endpoint;
  }

  /** GET /webhook_endpoints (`active` filter): the key's endpoints with their secret_key. */
  @Get()
  list(@ApiKeyHash() owner: string, @Query() q: Q): NexEnvelope<Array<Record<string, unknown>>> {
    const active = optBool(q, 'active');
    const rows = [...this.sandbox.endpoints.values()].filter((e) => e.owner === owner && (active === undefined || e.active === active));
    return ok(rows.map(webhookEndpointJson), 'Success', { count: rows.length });
  }

  /** POST /webhook_endpoints `{ target_url, active? }` → 201 with a generated `secret_key`. @throws 400. */
  @Post()
  @HttpCode(201)
  create(@ApiKeyHash() owner: string, @Body() body: unknown): NexEnvelope<Record<string, unknown>> {
    const input = bodyObject(body);
    const now = iso(Date.now());
    const endpoint: NexWebhookEndpoint = {
      id: this.sandbox.nextId(), target_url: targetUrl(input.target_url), secret_key: randomBytes(24).toString('hex'),
      active: optionalBool(input.active, 'active') ?? true, created_at: now, updated_at: now, owner,
    };
    this.sandbox.endpoints.set(endpoint.id, endpoint);
    return ok(webhookEndpointJson(endpoint), 'Webhook endpoint created');
  }

  /** PATCH /webhook_endpoints/{id} `{ target_url?, active? }` (`active: true` turns a disabled endpoint back on). */
  @Patch(':id')
  update(@ApiKeyHash() owner: string, @Param('id') id: string, @Body() body: unknown): NexEnvelope<Record<string, unknown>> {
    const endpoint = this.endpoint(owner, id);
    const input = bodyObject(body);
    if (input.target_url !== undefined) endpoint.target_url = targetUrl(input.target_url);
    const active = optionalBool(input.active, 'active');
    if (active !== undefined) endpoint.active = active;
    endpoint.updated_at = iso(Date.now());
    return ok(webhookEndpointJson(endpoint));
  }

  /** DELETE /webhook_endpoints/{id} → 204; its subscriptions go with it and pending retries stop. */
  @Delete(':id')
  @HttpCode(204)
  remove(@ApiKeyHash() owner: string, @Param('id') id: string): void {
    const endpoint = this.endpoint(owner, id);
    endpoint.active = false;
    this.sandbox.endpoints.delete(endpoint.id);
    for (const [sid, s] of this.sandbox.subscriptions) if (s.webhook_endpoint_id === endpoint.id) this.sandbox.subscriptions.delete(sid);
  }

  /** GET /webhook_endpoints/{id}/webhook_subscriptions (`resource_type`, `event` filters). */
  @Get(':id/webhook_subscriptions')
  subscriptions(@ApiKeyHash() owner: string, @Param('id') id: string, @Query() q: Q): NexEnvelope<NexWebhookSubscription[]> {
    const endpoint = this.endpoint(owner, id);
    scope(this.sandbox.institution, q, 'none', 'optional');
    const resourceType = param(q, 'resource_type');
    const event = param(q, 'event');
    const rows = [...this.sandbox.subscriptions.values()].filter((s) => s.webhook_endpoint_id === endpoint.id
      && (resourceType === undefined || s.resource_type === resourceType) && (event === undefined || s.event === event));
    return ok(rows.map((s) => ({ ...s })), 'Success', { count: rows.length });
  }

  /** POST /webhook_endpoints/{id}/webhook_subscriptions?subdomain= `{ resource_type, event, active? }` → 201. @throws 400 for unknown names. */
  @Post(':id/webhook_subscriptions')
  @HttpCode(201)
  subscribe(@ApiKeyHash() owner: string, @Param('id') id: string, @Query() q: Q, @Body() body: unknown): NexEnvelope<NexWebhookSubscription> {
    const endpoint = this.endpoint(owner, id);
    const { institution } = scope(this.sandbox.institution, q, 'none');
    const input = bodyObject(body);
    if (typeof input.resource_type !== 'string' || !RESOURCE_TYPES.includes(input.resource_type)) throw NexApiError.badRequest('resource_type is invalid');
    if (typeof input.event !== 'string' || !EVENTS.includes(input.event)) throw NexApiError.badRequest('event is invalid');
    const now = iso(Date.now());
    const subscription: NexWebhookSubscription = {
      id: this.sandbox.nextId(), webhook_endpoint_id: endpoint.id, institution_id: institution.id, resource_type: input.resource_type,
      event: input.event, active: optionalBool(input.active, 'active') ?? true, created_at: now, updated_at: now,
    };
    this.sandbox.subscriptions.set(subscription.id, subscription);
    return ok({ ...subscription }, 'Webhook subscription created');
  }

  /** PATCH /webhook_endpoints/{id}/webhook_subscriptions/{subscription_id} `{ active }`. */
  @Patch(':id/webhook_subscriptions/:subscriptionId')
  updateSubscription(@ApiKeyHash() owner: string, @Param('id') id: string, @Param('subscriptionId') sid: string, @Body() body: unknown): NexEnvelope<NexWebhookSubscription> {
    const subscription = this.subscription(owner, id, sid);
    const active = optionalBool(bodyObject(body).active, 'active');
    if (active !== undefined) subscription.active = active;
    subscription.updated_at = iso(Date.now());
    return ok({ ...subscription });
  }

  /** DELETE /webhook_endpoints/{id}/webhook_subscriptions/{subscription_id} → 204. */
  @Delete(':id/webhook_subscriptions/:subscriptionId')
  @HttpCode(204)
  unsubscribe(@ApiKeyHash() owner: string, @Param('id') id: string, @Param('subscriptionId') sid: string): void {
    this.sandbox.subscriptions.delete(this.subscription(owner, id, sid).id);
  }

  private subscription(owner: string, id: string, sid: string): NexWebhookSubscription {
    const endpoint = this.endpoint(owner, id);
    const subscription = this.sandbox.subscriptions.get(pathId(sid, 'subscription_id'));
    if (!subscription || subscription.webhook_endpoint_id !== endpoint.id) throw NexApiError.notFound('Webhook subscription');
    return subscription;
  }
}
