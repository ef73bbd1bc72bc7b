import { createHmac } from 'node:crypto';
import { bytesEqual, deliveryIdTooLong, DELIVERY_ID_TOO_LONG, headerValue, reject, validDeliveryId, VerifierSettings, VerifyResult, WEBHOOK_TOLERANCE_SECONDS, WebhookRequest, WebhookVerifier } from '../../../providers/webhook-verifier';

const PREFIX = 'whsec_';

/** The HMAC key of a `whsec_<base64>` secret (null when it is not one). */
export function standardWebhooksKey(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const b64 = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const key = Buffer.from(b64, 'base64');
  return key.length ? key : null;
}

/**
 * Bytes of a canonical base64 string, else null. Node decodes leniently (ignores bad characters
 * and unused trailing bits), so a re-encoding check stops "different" signatures that decode
 * to the same bytes from passing.
 */
function canonicalBase64(b64: string): Buffer | null {
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.toString('base64') === b64 ? bytes : null;
}

/**
 * Standard Webhooks v1 (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md):
 * `webhook-id`, `webhook-timestamp` (Unix seconds), `webhook-signature` = space-separated
 * `v1,<base64 HMAC-SHA256>` entries over `{id}.{timestamp}.{raw body}`, keyed with the base64
 * part of a `whsec_` secret. Any entry matching any active secret passes (rotation).
 * The timestamp is parsed strictly here (1–10 digits, nothing else): the reference library
 * accepted trailing letters (DESIGN-NOTES, Webhooks). Tolerance ±300 s inclusive.
 */
export class StandardWebhooksVerifier implements WebhookVerifier {
  verify(request: WebhookRequest, settings: VerifierSettings): VerifyResult {
    const id = headerValue(request.headers, 'webhook-id');
    const timestamp = headerValue(request.headers, 'webhook-timestamp');
    const signature = headerValue(request.headers, 'webhook-signature');
    if (deliveryIdTooLong(id)) return reject(DELIVERY_ID_TOO_LONG);
    if (!validDeliveryId(id) || timestamp === null || signature === null) return reject('missing_headers');
    if (!/^\d{1,10}$/.test(timestamp)) return reject('malformed_timestamp');
    const now = settings.nowSeconds ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return reject('timestamp_out_of_tolerance');
    const offered = signature.split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice(3))
      .map(canonicalBase64)
      .filter((bytes): bytes is Buffer => bytes !== null);
    if (!offered.length) return reject('no_v1_signature');
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), request.body]);
    let match = false;
    for (const secret of settings.secrets) {
      const key = standardWebhooksKey(secret);
      if (!key) continue;
      const expected = createHmac('sha256', key).update(signed).digest();
      // Check every entry (no early exit), so timing does not tell which one matched.
      for (const candidate of offered) match = bytesEqual(expected, candidate) || match;
    }
    return match ? { ok: true, deliveryId: id } : reject('signature_mismatch');
  }
}
