import { ResourceType, WebhookChange, WebhookDescriptor } from '../provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/** OpenDental API Events as the webhooks module sees them: signed by the customer key, patients and appointments. */
export const OPENDENTAL_API_WEBHOOKS: WebhookDescriptor = {
  defaultScheme: 'opendental-api-events',
  schemes: ['opendental-api-events', 'standard-webhooks', 'hmac-sha256', 'hmac-sha512'],
  events: ['patients', 'appointments'],
};

const ID = /^\d{1,18}$/;

/**
 * Reads an API Events body (opendental.com/site/apievents.html; vendors README §1.5): a JSON
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
