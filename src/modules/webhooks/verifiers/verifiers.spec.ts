import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { GENERIC_SCHEMES, HmacVerifier, StandardWebhooksVerifier, WebhookRequest } from '.';
import { GENERIC_WEBHOOK_SCHEMES } from '../../../providers/provider-adapter';

/** Vectors: the Standard Webhooks spec's example and GitHub's "Validating webhook deliveries" example. */
const SW = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const GH = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

const standard = new StandardWebhooksVerifier();

function swRequest(headers: Partial<Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>>, body = SW.body): WebhookRequest {
  return { body: Buffer.from(body), headers: { 'webhook-id': SW.id, 'webhook-timestamp': String(SW.timestamp), 'webhook-signature': SW.signature, ...headers } };
}

/** Signs like a Standard Webhooks sender. */
function swSign(secret: string, id: string, timestamp: string, body: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body])).digest('base64')}`;
}

describe('StandardWebhooksVerifier', () => {
  const at = (now: number, request = swRequest({})) => standard.verify(request, { secrets: [SW.secret], nowSeconds: now });

  it('verifies the Standard Webhooks vector', () => {
    expect(at(SW.timestamp)).toEqual({ ok: true, deliveryId: SW.id });
  });

  it('accepts a timestamp exactly 300 s away in either direction and rejects 301 s', () => {
    expect(at(SW.timestamp + 300).ok).toBe(true);
    expect(at(SW.timestamp - 300).ok).toBe(true);
    expect(at(SW.timestamp + 301)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(at(SW.timestamp - 301)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it.each([['1614265330abc'], [' 1614265330'], ['1614265330 '], [''], ['16142653300'], ['-1614265330'], ['1614265330.0'], ['0x60380f32'], ['1e9']])(
    'rejects the malformed timestamp %j', (timestamp) => {
      expect(at(SW.timestamp, swRequest({ 'webhook-timestamp': timestamp })).ok).toBe(false);
    },
  );

  it('rejects `v1,` with an empty signature, other versions, and a missing header', () => {
    expect(at(SW.timestamp, swRequest({ 'webhook-signature': 'v1,' }))).toEqual({ ok: false, reason: 'no_v1_signature' });
    expect(at(SW.timestamp, swRequest({ 'webhook-signature': SW.signature.replace('v1,', 'v2,') })).ok).toBe(false);
    const headers = { 'webhook-id': SW.id, 'webhook-timestamp': String(SW.timestamp) };
    expect(standard.verify({ body: Buffer.from(SW.body), headers }, { secrets: [SW.secret], nowSeconds: SW.timestamp }).ok).toBe(false);
  });

  it('passes `v1,<wrong> v1,<right>` (rotation) and a rotated-out secret kept in its grace period', () => {
    const wrong = 'v1,' + Buffer.alloc(32, 7).toString('base64');
    expect(at(SW.timestamp, swRequest({ 'webhook-signature': `${wrong} ${SW.signature}` })).ok).toBe(true);
    const newer = 'whsec_' + Buffer.alloc(24, 1).toString('base64');
    expect(standard.verify(swRequest({}), { secrets: [newer, SW.secret], nowSeconds: SW.timestamp }).ok).toBe(true);
    expect(standard.verify(swRequest({}), { secrets: [newer], nowSeconds: SW.timestamp }).ok).toBe(false);
  });

  it('property: any change to id, timestamp, body or signature is rejected (2,000 runs)', () => {
    const secret = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
    const base = { id: 'msg_base', timestamp: '1700000000', body: Buffer.from('{"PatNum":12}') };
    const verify = (id: string, timestamp: string, body: Buffer, signature: string) =>
      standard.verify({ body, headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature } }, { secrets: [secret], nowSeconds: 1700000000 });
    const signature = swSign(secret, base.id, base.timestamp, base.body);
    expect(verify(base.id, base.timestamp, base.body, signature).ok).toBe(true);
    fc.assert(fc.property(
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 40 }).filter((id) => id !== base.id).map((id) => ({ id })),
        fc.integer({ min: 1699999700, max: 1700000300 }).filter((t) => String(t) !== base.timestamp).map((t) => ({ timestamp: String(t) })),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)).filter((b) => !b.equals(base.body)).map((body) => ({ body })),
        fc.tuple(fc.nat({ max: 43 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'))
          .map(([i, c]) => signature.slice(0, 3 + i) + c + signature.slice(4 + i)).filter((s) => s !== signature).map((sig) => ({ signature: sig })),
      ),
      (change: { id?: string; timestamp?: string; body?: Buffer; signature?: string }) => {
        const result = verify(change.id ?? base.id, change.timestamp ?? base.timestamp, change.body ?? base.body, change.signature ?? signature);
        return !result.ok;
      },
    ), { numRuns: 2000 });
  });

  it('property: arbitrary headers and bodies never verify and never throw (2,000 runs)', () => {
    fc.assert(fc.property(
      fc.dictionary(fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-other'), fc.oneof(fc.string(), fc.array(fc.string()))),
      fc.uint8Array({ maxLength: 300 }),
      (headers, body) => !standard.verify({ body: Buffer.from(body), headers }, { secrets: [SW.secret] }).ok,
    ), { numRuns: 2000 });
  });
});

describe('HmacVerifier', () => {
  const sha256 = new HmacVerifier('sha256');

  it('verifies the GitHub X-Hub-Signature-256 vector, with and without the prefix, in any hex case', () => {
    const request = (signature: string) => ({ body: Buffer.from(GH.body), headers: { 'x-hub-signature-256': signature, 'x-github-delivery': 'd-1' } });
    expect(sha256.verify(request(GH.signature), { secrets: [GH.secret] })).toEqual({ ok: true, deliveryId: 'd-1' });
    expect(sha256.verify(request(GH.signature.slice(7)), { secrets: [GH.secret] }).ok).toBe(true);
    expect(sha256.verify(request(GH.signature.toUpperCase().replace('SHA256=', 'sha256=')), { secrets: [GH.secret] }).ok).toBe(true);
    expect(sha256.verify(request(GH.signature), { secrets: ['another secret entirely'] }).ok).toBe(false);
    expect(sha256.verify(request(GH.signature.slice(0, -2)), { secrets: [GH.secret] }).ok).toBe(false);
    expect(sha256.verify({ body: Buffer.from(GH.body + ' '), headers: { 'x-hub-signature-256': GH.signature } }, { secrets: [GH.secret] }).ok).toBe(false);
  });

  it('uses a configured header and SHA-512', () => {
    const sha512 = new HmacVerifier('sha512');
    const hex = createHmac('sha512', 'k'.repeat(20)).update('body').digest('hex');
    const ok = sha512.verify({ body: Buffer.from('body'), headers: { 'x-signature': hex } }, { secrets: ['k'.repeat(20)], signatureHeader: 'X-Signature' });
    expect(ok).toEqual({ ok: true, deliveryId: null });
    expect(sha512.verify({ body: Buffer.from('body'), headers: { 'x-hub-signature-512': hex } }, { secrets: ['k'.repeat(20)], signatureHeader: 'x-signature' }).ok).toBe(false);
  });
});

describe('GENERIC_SCHEMES', () => {
  it('covers exactly the generic scheme names, each with a stored, generated secret in its own format', () => {
    expect(Object.keys(GENERIC_SCHEMES).sort()).toEqual([...GENERIC_WEBHOOK_SCHEMES].sort());
    const sw = GENERIC_SCHEMES['standard-webhooks'].secret;
    const hmac = GENERIC_SCHEMES['hmac-sha256'].secret;
    if (sw.source !== 'endpoint' || hmac.source !== 'endpoint') throw new Error('generic schemes store their secret');
    expect(sw.check?.(sw.generate())).toBeNull();
    expect(sw.check?.('not-a-whsec-secret')).toMatch(/whsec_/);
    expect(hmac.generate()).toMatch(/^[0-9a-f]{64}$/);
  });
});
