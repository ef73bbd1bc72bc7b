import { GENERIC_WEBHOOK_SCHEMES, ResourceType, WebhookChange, WebhookDescriptor } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { WebhookSchemeDefinition } from '../webhook-verifier';
import { OpenDentalApiEventsVerifier } from './api-events.verifier';

/** Name of the API Events scheme: the office's customer key in `Authorization`. */
export const API_EVENTS_SCHEME = 'opendental-api-events';

/** OpenDental API Events as the webhooks module sees them: keyed by the customer key, patients and appointments; a relay may use a generic scheme. */
export const OPENDENTAL_API_WEBHOOKS: WebhookDescriptor = {
  defaultScheme: API_EVENTS_SCHEME,
  schemes: [API_EVENTS_SCHEME, ...GENERIC_WEBHOOK_SCHEMES],
  events: ['patients', 'appointments'],
};

/**
 * The scheme the adapter declares. Its key is the integration's `customerKey` credential
 * (OpenDental sends it in `Authorization`): nothing is stored on the webhook configuration, and
 * rotating it is done at OpenDental (Setup > Advanced Setup > API), not here.
 */
export const OPENDENTAL_API_SCHEMES: Record<string, WebhookSchemeDefinition> = {
  [API_EVENTS_SCHEME]: { verifier: new OpenDentalApiEventsVerifier(), secret: { source: 'credential', field: 'customerKey' } },
};

const ID = /^\d{1,18}$/;

/**
 * Reads an API Events body (https://www.opendental.com/site/apievents.html; docs/vendors/opendental-api.md): a JSON
 * array of Patients or of Appointments as OpenDental polled them. Only the ids are kept (an
 * object with `AptNum` is an appointment, else one with `PatNum` a patient); the hub fetches the
 * current rows again, so stale or partial event bodies never reach the store.
 * @throws ProviderException BAD_REQUEST (permanent) when the body is not such an array.
 */
export function parseApiEvents(body: Buffer): WebhookChange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ProviderException(ProviderExceptionCode.BAD_REQUEST, 'OpenDental API Events body is not JSON', { temporary: false });
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const ids: Record<'patients' | 'appointments', Set<string>> = { patients: new Set(), appointments: new Set() };
  for (const item of items) {
    if (!item || typeof item !== 'object') throw new ProviderException(ProviderExceptionCode.BAD_REQUEST, 'OpenDental API Events body holds a non-object', { temporary: false });
    const row = item as Record<string, unknown>;
    const aptNum = row.AptNum === undefined ? null : String(row.AptNum);
    const patNum = row.PatNum === undefined ? null : String(row.PatNum);
    if (aptNum !== null && ID.test(aptNum) && aptNum !== '0') ids.appointments.add(aptNum);
    else if (aptNum === null && patNum !== null && ID.test(patNum) && patNum !== '0') ids.patients.add(patNum);
    else throw new ProviderException(ProviderExceptionCode.BAD_REQUEST, 'OpenDental API Events item has no valid AptNum or PatNum', { temporary: false });
  }
  return (Object.keys(ids) as Array<'patients' | 'appointments'>)
    .filter((resource) => ids[resource].size)
    .map((resource: ResourceType) => ({ resource, externalIds: [...ids[resource as 'patients' | 'appointments']] }));
}
