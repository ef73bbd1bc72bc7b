import { randomBytes } from 'node:crypto';
import { GENERIC_WEBHOOK_SCHEMES } from '../../../providers/provider-adapter';
import { WebhookSchemeDefinition } from '../../../providers/webhook-verifier';
import { HmacVerifier } from './hmac.verifier';
import { standardWebhooksKey, StandardWebhooksVerifier } from './standard-webhooks.verifier';

export * from '../../../providers/webhook-verifier';
export { HmacVerifier, standardWebhooksKey, StandardWebhooksVerifier };

/** 32 random bytes as 64 hex characters: the generated secret of the plain HMAC schemes. */
const hexSecret = (): string => randomBytes(32).toString('hex');

/**
 * The schemes the hub verifies for any vendor, with their verifier and secret format:
 * Standard Webhooks (`whsec_` + base64 of 32 random bytes) and plain HMAC-SHA256/512 (hex).
 * Vendor schemes come from the adapters' webhook capabilities (see WebhookSchemesService).
 */
export const GENERIC_SCHEMES: Readonly<Record<(typeof GENERIC_WEBHOOK_SCHEMES)[number], WebhookSchemeDefinition>> = {
  'standard-webhooks': {
    verifier: new StandardWebhooksVerifier(),
    secret: {
      source: 'endpoint',
      generate: () => `whsec_${randomBytes(32).toString('base64')}`,
      check: (secret) => (standardWebhooksKey(secret) ? null : 'secret must be whsec_ followed by base64'),
    },
  },
  'hmac-sha256': { verifier: new HmacVerifier('sha256'), secret: { source: 'endpoint', generate: hexSecret } },
  'hmac-sha512': { verifier: new HmacVerifier('sha512'), secret: { source: 'endpoint', generate: hexSecret } },
};
