import { createHmac } from 'node:crypto';
import { bytesEqual, headerValue, reject, VerifierSettings, VerifyResult, WEBHOOK_TOLERANCE_SECONDS, WebhookRequest, WebhookVerifier } from '../webhook-verifier';

/** ISO 8601 date-time with a zone (`2024-04-15T15:00:00Z`, `…00.123+00:00`): nothing looser is accepted. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * NexHealth webhooks (docs.nexhealth.com, "Webhooks"; the signed-content format comes from a secondary source): headers
 * `timestamp` (ISO 8601) and `signature` = hex(HMAC-SHA256(secret_key, `${timestamp}.${base64(raw body)}`)),
 * the secret used as UTF-8 bytes. The raw bytes are verified, never re-serialised JSON;
 * every active secret is tried with no early exit (rotation) and compared in constant time;
 * the timestamp must be within ±300 s of now (inclusive). NexHealth sends no delivery id: the
 * caller deduplicates on a body hash. Replace this class alone if NexHealth's scheme turns out
 * to differ (community receivers mention `X-NexHealth-Signature` over the bare body).
 */
export class NexHealthVerifier implements WebhookVerifier {
  verify(request: WebhookRequest, settings: VerifierSettings): VerifyResult {
    const timestamp = headerValue(request.headers, 'timestamp');
    const signature = headerValue(request.headers, settings.signatureHeader || 'signature');
    if (timestamp === null || signature === null) return reject('missing_headers');
    if (!ISO_TIMESTAMP.test(timestamp)) return reject('malformed_timestamp');
    const at = Date.parse(timestamp);
    if (Number.isNaN(at)) return reject('malformed_timestamp');
    const nowMs = (settings.nowSeconds ?? Date.now() / 1000) * 1000;
    if (Math.abs(nowMs - at) > WEBHOOK_TOLERANCE_SECONDS * 1000) return reject('timestamp_out_of_tolerance');
    if (!/^[0-9a-fA-F]{64}$/.test(signature)) return reject('malformed_signature');
    const offered = Buffer.from(signature, 'hex');
    const signed = Buffer.from(`${timestamp}.${request.body.toString('base64')}`, 'utf8');
    let match = false;
    for (const secret of settings.secrets) {
      if (!secret) continue;
      match = bytesEqual(createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest(), offered) || match;
    }
    return match ? { ok: true, deliveryId: null } : reject('signature_mismatch');
  }
}
