import { generateKeyPairSync, verify } from 'node:crypto';
import { ProviderException } from '../provider.exception';
import { signClientAssertion } from './client-assertion';
import { fhirError } from './operation-outcome';

const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('signClientAssertion (SMART Backend Services private_key_jwt)', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const pem = (k: typeof rsa.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('signs RS384 with iss = sub = client id, aud = token URL, exp ≤ now + 300 s, kid and a fresh jti', () => {
    const now = Date.UTC(2026, 11, 2, 6, 0, 0);
    const input = { clientId: 'hub-client', tokenUrl: 'https://ehr.example/token', keyId: 'k1', algorithm: 'RS384' as const, privateKey: pem(rsa.privateKey), now };
    const jwt = signClientAssertion(input);
    const [h, p, s] = jwt.split('.');
    expect(decode(h)).toEqual({ alg: 'RS384', kid: 'k1', typ: 'JWT' });
    const claims = decode(p);
    expect(claims).toMatchObject({ iss: 'hub-client', sub: 'hub-client', aud: 'https://ehr.example/token', exp: now / 1000 + 300, iat: now / 1000 });
    expect(verify('sha384', Buffer.from(`${h}.${p}`), rsa.publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    expect(decode(signClientAssertion(input).split('.')[1]).jti).not.toEqual(claims.jti);
  });

  it('signs ES384 with a raw 96-byte r‖s signature', () => {
    const jwt = signClientAssertion({ clientId: 'c', tokenUrl: 'https://t', keyId: 'e1', algorithm: 'ES384', privateKey: pem(ec.privateKey) });
    const [h, p, s] = jwt.split('.');
    const signature = Buffer.from(s, 'base64url');
    expect(signature.length).toBe(96);
    expect(verify('sha384', Buffer.from(`${h}.${p}`), { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('refuses a key of the wrong type as a permanent configuration error', () => {
    expect(() => signClientAssertion({ clientId: 'c', tokenUrl: 'https://t', keyId: 'k', algorithm: 'ES384', privateKey: pem(rsa.privateKey) })).toThrow(ProviderException);
    expect(() => signClientAssertion({ clientId: 'c', tokenUrl: 'https://t', keyId: 'k', algorithm: 'RS384', privateKey: 'not a pem' })).toThrow(/readable PEM/);
  });
});

describe('fhirError (OperationOutcome classification)', () => {
  const outcome = (code: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, ...extra }] });

  it('treats transient, throttled and timeout as temporary and keeps vendor codes but never diagnostics', () => {
    expect(fhirError('GET Patient', 500, outcome('transient')).temporary).toBe(true);
    expect(fhirError('GET Patient', 400, outcome('throttled')).temporary).toBe(true);
    const error = fhirError('GET Patient', 400, outcome('processing', { details: { coding: [{ code: '4113' }], text: 'Session for Jane Doe expired' }, diagnostics: 'Jane Doe 1980-01-01' }));
    expect(error.temporary).toBe(false);
    expect(error.message).toBe('FHIR server answered 400 to GET Patient (issue processing; vendor code 4113)');
    expect(error.message).not.toMatch(/Jane/);
  });

  it('maps not-found, forbidden, security and not-supported to permanent codes', () => {
    expect(fhirError('GET Patient/1', 404, outcome('not-found'))).toMatchObject({ code: 'PROVIDER_NOT_FOUND', temporary: false });
    expect(fhirError('GET Patient', 403, outcome('forbidden'))).toMatchObject({ code: 'PROVIDER_AUTHENTICATION_FAILED', temporary: false });
    expect(fhirError('GET Patient', 400, outcome('security'))).toMatchObject({ code: 'PROVIDER_AUTHENTICATION_FAILED', temporary: false });
    expect(fhirError('GET Slot', 400, outcome('not-supported'))).toMatchObject({ code: 'PROVIDER_UNSUPPORTED', temporary: false });
    expect(fhirError('GET Patient', 503, 'html')).toMatchObject({ code: 'PROVIDER_CONNECTION_FAILED', temporary: true });
  });
});
