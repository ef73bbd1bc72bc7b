import { WebhookScheme } from '../../../providers/provider-adapter';
import { HmacVerifier } from './hmac.verifier';
import { NexHealthVerifier } from './nexhealth.verifier';
import { OpenDentalApiEventsVerifier } from './opendental-api-events.verifier';
import { standardWebhooksKey, StandardWebhooksVerifier } from './standard-webhooks.verifier';
import { WebhookVerifier } from './webhook-verifier';

export * from './webhook-verifier';
export { HmacVerifier, NexHealthVerifier, OpenDentalApiEventsVerifier, standardWebhooksKey, StandardWebhooksVerifier };

/** The verifier of each scheme: small classes, replaceable one by one. */
export const VERIFIERS: Record<WebhookScheme, WebhookVerifier> = {
  'standard-webhooks': new StandardWebhooksVerifier(),
  'hmac-sha256': new HmacVerifier('sha256'),
  'hmac-sha512': new HmacVerifier('sha512'),
  'opendental-api-events': new OpenDentalApiEventsVerifier(),
  nexhealth: new NexHealthVerifier(),
};
