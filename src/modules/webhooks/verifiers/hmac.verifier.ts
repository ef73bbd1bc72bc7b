import { createHmac } from 'node:crypto';
import { bytesEqual, deliveryIdTooLong, DELIVERY_ID_TOO_LONG, headerValue, reject, validDeliveryId, VerifierSettings, VerifyResult, WebhookRequest, WebhookVerifier } from '../../../providers/webhook-verifier';

/**
 * Plain HMAC over the raw body, hex, in a configurable header (default `x-hub-signature-256`
 * / `x-hub-signature-512`), optionally prefixed `sha256=` / `sha512=` as GitHub does
 * (docs.github.com, "Validating webhook deliveries"). No timestamp: replays are stopped by
 * deduplication on the delivery id header (default `x-github-delivery`), or on a body hash
 * when the sender sends none. The secret is used as UTF-8 bytes.
 */
export class HmacVerifier implements WebhookVerifier {
  constructor(private readonly algorithm: 'sha256' | 'sha512') {}

  verify(request: WebhookRequest, settings: VerifierSettings): VerifyResult {
    const header = settings.signatureHeader || `x-hub-signature-${this.algorithm.slice(3)}`;
    let signature = headerValue(request.headers, header);
    if (signature === null) return reject('missing_headers');
    if (signature.startsWith(`${this.algorithm}=`)) signature = signature.slice(this.algorithm.length + 1);
    const hexLength = this.algorithm === 'sha256' ? 64 : 128;
    if (signature.length !== hexLength || !/^[0-9a-fA-F]+$/.test(signature)) return reject('malformed_signature');
    const offered = Buffer.from(signature, 'hex');
    let match = false;
    for (const secret of settings.secrets) {
      if (!secret) continue;
      match = bytesEqual(createHmac(this.algorithm, Buffer.from(secret, 'utf8')).update(request.body).digest(), offered) || match;
    }
    if (!match) return reject('signature_mismatch');
    const id = headerValue(request.headers, settings.deliveryIdHeader || 'x-github-delivery');
    if (deliveryIdTooLong(id)) return reject(DELIVERY_ID_TOO_LONG);
    if (id !== null && !validDeliveryId(id)) return reject('malformed_delivery_id');
    return { ok: true, deliveryId: id };
  }
}
