import { createHash } from 'node:crypto';
import { bytesEqual, headerValue, reject, VerifierSettings, VerifyResult, WebhookRequest, WebhookVerifier } from '../webhook-verifier';

/**
 * OpenDental API Events (opendental.com/site/apievents.html): Open Dental
 * POSTs arrays of Patients or Appointments with the office's Customer API key in
 * `Authorization` (accepted bare or as `ODFHIR <developer key>/<customer key>`). The body is
 * not signed and there is no delivery id: the caller deduplicates on a body hash. Both sides
 * are hashed before comparing, so the comparison is constant-time whatever their lengths.
 */
export class OpenDentalApiEventsVerifier implements WebhookVerifier {
  verify(request: WebhookRequest, settings: VerifierSettings): VerifyResult {
    const header = headerValue(request.headers, 'authorization');
    if (!header) return reject('missing_headers');
    const odfhir = /^ODFHIR [^/\s]+\/(\S+)$/.exec(header);
    const offered = digest(odfhir ? odfhir[1] : header);
    let match = false;
    for (const secret of settings.secrets) if (secret) match = bytesEqual(digest(secret), offered) || match;
    return match ? { ok: true, deliveryId: null } : reject('key_mismatch');
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
