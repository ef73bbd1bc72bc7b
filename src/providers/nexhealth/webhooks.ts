import { randomBytes } from 'node:crypto';
import { ResourceType, WebhookChange, WebhookDescriptor, WebhookRegistration } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { WebhookSchemeDefinition } from '../webhook-verifier';
import { NexHealthClient } from './http-client';
import { NexHealthVerifier } from './nexhealth.verifier';

/** Name of NexHealth's own signature scheme. */
export const NEXHEALTH_SCHEME = 'nexhealth';

/** NexHealth signs with its own scheme (nexhealth.verifier.ts); the hub's events are our resource names. */
export const NEXHEALTH_WEBHOOKS: WebhookDescriptor = {
  defaultScheme: NEXHEALTH_SCHEME,
  schemes: [NEXHEALTH_SCHEME],
  events: ['patients', 'appointments'],
};

/**
 * The scheme NexHealth's webhook capability declares. Its secret is stored on the webhook
 * configuration: NexHealth issues it (`secret_key`) when the endpoint is registered there;
 * `generate` (64 hex characters) only serves a configuration made without registration.
 */
export const NEXHEALTH_SCHEMES: Record<string, WebhookSchemeDefinition> = {
  [NEXHEALTH_SCHEME]: { verifier: new NexHealthVerifier(), secret: { source: 'endpoint', generate: () => randomBytes(32).toString('hex') } },
};

/** The NexHealth subscriptions behind each hub event (§3 Webhooks). Cancellations arrive as appointment_updated. */
export const SUBSCRIPTIONS: Record<string, Array<{ resource_type: string; event: string }>> = {
  patients: [{ resource_type: 'Patient', event: 'patient_created' }, { resource_type: 'Patient', event: 'patient_updated' }],
  appointments: [
    { resource_type: 'Appointment', event: 'appointment_created' }, { resource_type: 'Appointment', event: 'appointment_updated' },
    { resource_type: 'Appointment', event: 'appointment_insertion' },
  ],
};

const RESOURCE: Record<string, { resource: ResourceType; singular: string; plural: string }> = {
  Patient: { resource: 'patients', singular: 'patient', plural: 'patients' },
  Appointment: { resource: 'appointments', singular: 'appointment', plural: 'appointments' },
};

function bad(message: string): ProviderException {
  return new ProviderException(ProviderExceptionCode.BAD_REQUEST, message, { temporary: false });
}

/**
 * The changed ids a NexHealth delivery announces (§3 payload, secondary source):
 * `{ resource_type, event_name, event_time, data, delivery_errors }`. Patient events carry
 * `data.patients[]`, appointment events `data.appointments[]` (a single `data.patient` /
 * `data.appointment` or `data.id` is accepted too). Other resource types give no change.
 * The payload's records are never trusted: the hub fetches them again.
 * @throws ProviderException BAD_REQUEST (permanent) when the body is not such a JSON object.
 */
export function parseNexHealthWebhook(body: Buffer): WebhookChange[] {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('NexHealth delivery is not JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw bad('NexHealth delivery is not a JSON object');
  const { resource_type: type, data } = payload as { resource_type?: unknown; data?: unknown };
  if (typeof type !== 'string') throw bad('NexHealth delivery has no resource_type');
  const kind = RESOURCE[type];
  if (!kind) return [];
  if (!data || typeof data !== 'object') throw bad(`NexHealth ${type} delivery has no data`);
  const d = data as Record<string, unknown>;
  const items = Array.isArray(d[kind.plural]) ? (d[kind.plural] as unknown[]) : d[kind.singular] ? [d[kind.singular]] : [d];
  const ids = [...new Set(items.map((item) => (item as { id?: unknown } | null)?.id).filter((id) => typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id))).map(String))];
  if (!ids.length) throw bad(`NexHealth ${type} delivery names no ${kind.singular} id`);
  return [{ resource: kind.resource, externalIds: ids }];
}

/**
 * Registers the hub's receiver at NexHealth (§3 Webhooks): `POST /webhook_endpoints
 * { target_url, active: true }` (NexHealth issues `secret_key`), then one
 * `POST /webhook_endpoints/{id}/webhook_subscriptions?subdomain=` per NexHealth event behind
 * the requested hub events (all when none given). If a subscription fails the endpoint is
 * deleted again and the error rethrown.
 * @throws ProviderException INVALID_CONFIG for an unknown event; vendor errors as the client raises them.
 */
export async function registerNexHealthWebhook(client: NexHealthClient, subdomain: string, request: { targetUrl: string; events: string[] }): Promise<WebhookRegistration> {
  const events = request.events.length ? request.events : NEXHEALTH_WEBHOOKS.events;
  const unknown = events.filter((e) => !SUBSCRIPTIONS[e]);
  if (unknown.length) throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, `NexHealth webhooks support only: ${NEXHEALTH_WEBHOOKS.events.join(', ')}`);
  const created = await client.request<{ id: number; secret_key: string }>('POST', '/webhook_endpoints', {}, { target_url: request.targetUrl, active: true });
  const endpoint = created.body.data;
  if (!endpoint || typeof endpoint.id !== 'number' || typeof endpoint.secret_key !== 'string') {
    throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'NexHealth POST /webhook_endpoints answered without id or secret_key', { temporary: false });
  }
  const subscriptionIds: string[] = [];
  try {
    for (const subscription of events.flatMap((e) => SUBSCRIPTIONS[e])) {
      const made = await client.request<{ id: number }>('POST', `/webhook_endpoints/${endpoint.id}/webhook_subscriptions`, { subdomain }, { ...subscription, active: true });
      subscriptionIds.push(String(made.body.data.id));
    }
  } catch (error) {
    await unregisterNexHealthWebhook(client, { vendorEndpointId: String(endpoint.id), subscriptionIds }).catch(() => undefined);
    throw error;
  }
  return { vendorEndpointId: String(endpoint.id), secret: endpoint.secret_key, subscriptionIds };
}

/** Deletes the subscriptions, then the endpoint; ones NexHealth no longer knows (404) count as deleted. @throws ProviderException. */
export async function unregisterNexHealthWebhook(client: NexHealthClient, ref: { vendorEndpointId: string; subscriptionIds: string[] }): Promise<void> {
  const ignoreMissing = (error: unknown) => {
    if (!(error instanceof ProviderException && error.code === ProviderExceptionCode.NOT_FOUND)) throw error;
  };
  for (const id of ref.subscriptionIds) {
    await client.request('DELETE', `/webhook_endpoints/${ref.vendorEndpointId}/webhook_subscriptions/${id}`).catch(ignoreMissing);
  }
  await client.request('DELETE', `/webhook_endpoints/${ref.vendorEndpointId}`).catch(ignoreMissing);
}
