import { createHmac } from 'node:crypto';
import { WebhookRequest } from '../webhook-verifier';
import { NexHealthVerifier } from './nexhealth.verifier';
import { NEXHEALTH_SCHEME, NEXHEALTH_SCHEMES, NEXHEALTH_WEBHOOKS } from './webhooks';

const SECRET = 'b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4';
const OLD_SECRET = '00112233445566778899aabbccddeeff0011223344556677';
const TIMESTAMP = '2026-07-14T12:00:00.000Z';
const NOW = Date.parse(TIMESTAMP) / 1000;
const BODY = '{"resource_type":"Patient","event_name":"patient_updated","event_time":"2026-07-14T12:00:00.000Z","data":{"patients":[{"id":1001,"name":"Zoë O\'Brien"}]},"delivery_errors":[]}';

/** Signs as NexHealth does (docs.nexhealth.com, Webhooks): hex(HMAC-SHA256(secret, `${timestamp}.${base64(body)}`)). */
function sign(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body.toString('base64')}`).digest('hex');
}

function request(overrides: { timestamp?: string; signature?: string; body?: string } = {}, secret = SECRET): WebhookRequest {
  const body = Buffer.from(overrides.body ?? BODY);
  const timestamp = overrides.timestamp ?? TIMESTAMP;
  return { body, headers: { timestamp, signature: overrides.signature ?? sign(secret, timestamp, body) } };
}

describe('NexHealthVerifier', () => {
  const verifier = new NexHealthVerifier();
  const at = (req: WebhookRequest, now = NOW, secrets = [SECRET]) => verifier.verify(req, { secrets, nowSeconds: now });

  it('is the verifier of the scheme the NexHealth webhook capability declares, with a stored secret', () => {
    expect(NEXHEALTH_WEBHOOKS.defaultScheme).toBe(NEXHEALTH_SCHEME);
    expect(NEXHEALTH_SCHEMES[NEXHEALTH_SCHEME].verifier).toBeInstanceOf(NexHealthVerifier);
    expect(NEXHEALTH_SCHEMES[NEXHEALTH_SCHEME].secret.source).toBe('endpoint');
  });

  it('accepts a valid signature over the raw bytes (no delivery id: the caller hashes the body)', () => {
    expect(at(request())).toEqual({ ok: true, deliveryId: null });
  });

  it('matches an independently computed known answer', () => {
    const body = Buffer.from('{"a":1}');
    const expected = createHmac('sha256', 'secret').update(`2026-01-01T00:00:00Z.${Buffer.from('{"a":1}').toString('base64')}`).digest('hex');
    expect(expected).toBe(sign('secret', '2026-01-01T00:00:00Z', body));
    expect(verifier.verify({ body, headers: { timestamp: '2026-01-01T00:00:00Z', signature: expected } }, { secrets: ['secret'], nowSeconds: Date.parse('2026-01-01T00:00:00Z') / 1000 }).ok).toBe(true);
  });

  it('rejects a tampered body, a re-serialised body and a signature from another secret', () => {
    const good = request();
    expect(at({ ...good, body: Buffer.from(BODY.replace('1001', '1002')) })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(at({ ...good, body: Buffer.from(JSON.stringify(JSON.parse(BODY), null, 1)) })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(at(request({}, 'another-secret'))).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('rejects a changed timestamp header (it is part of the signed content)', () => {
    const good = request();
    expect(at({ ...good, headers: { ...good.headers, timestamp: '2026-07-14T12:00:01.000Z' } })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('accepts a timestamp exactly 300 s away either way and rejects 301 s', () => {
    expect(at(request(), NOW + 300).ok).toBe(true);
    expect(at(request(), NOW - 300).ok).toBe(true);
    expect(at(request(), NOW + 301)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(at(request(), NOW - 301)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('accepts either secret during a rotation and neither once both are gone', () => {
    expect(at(request({}, OLD_SECRET), NOW, [SECRET, OLD_SECRET]).ok).toBe(true);
    expect(at(request({}, SECRET), NOW, [SECRET, OLD_SECRET]).ok).toBe(true);
    expect(at(request({}, OLD_SECRET), NOW, [SECRET]).ok).toBe(false);
  });

  it.each([['1784030400'], ['2026-07-14 12:00:00'], ['2026-07-14T12:00:00'], [''], ['yesterday']])('rejects the malformed timestamp %j', (timestamp) => {
    expect(at(request({ timestamp })).ok).toBe(false);
  });

  it('rejects missing headers, short or non-hex signatures without throwing', () => {
    expect(at({ body: Buffer.from(BODY), headers: { timestamp: TIMESTAMP } })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(at({ body: Buffer.from(BODY), headers: { signature: 'ab' } })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(at(request({ signature: 'abcd' }))).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(at(request({ signature: 'z'.repeat(64) }))).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(at({ ...request(), headers: { timestamp: TIMESTAMP, signature: ['a', 'b'] } }).ok).toBe(false);
  });
});
