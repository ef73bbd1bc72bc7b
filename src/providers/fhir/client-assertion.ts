import { createPrivateKey, KeyObject, randomUUID, sign } from 'node:crypto';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';

/** JWS algorithms SMART Backend Services requires servers to support (RS384, ES384). */
export const SIGNING_ALGORITHMS = ['RS384', 'ES384'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** Longest assertion lifetime the specification allows: `exp` no more than five minutes ahead. */
export const MAX_ASSERTION_LIFETIME_S = 300;

/** What an assertion names. */
export interface AssertionInput {
  clientId: string;
  /** The token endpoint URL (the assertion's `aud`). */
  tokenUrl: string;
  /** JWT `kid` header: the key id registered at the server (or in the JWKS it fetches). */
  keyId: string;
  algorithm: SigningAlgorithm;
  /** PEM, PKCS#8 (`-----BEGIN PRIVATE KEY-----`); RSA for RS384, EC P-384 for ES384. */
  privateKey: string | KeyObject;
  /** Lifetime in seconds (default and maximum 300). */
  lifetimeSeconds?: number;
  now?: number;
}

function b64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/** Parses the PEM once. @throws ProviderException INVALID_CONFIG (permanent) when it is not a private key of the algorithm's type. */
export function loadSigningKey(pem: string | KeyObject, algorithm: SigningAlgorithm): KeyObject {
  let key: KeyObject;
  try {
    key = typeof pem === 'string' ? createPrivateKey({ key: pem, format: 'pem' }) : pem;
  } catch {
    throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'credentials.privateKey is not a readable PEM private key', { temporary: false });
  }
  const expected = algorithm === 'RS384' ? 'rsa' : 'ec';
  if (key.type !== 'private' || key.asymmetricKeyType !== expected) {
    throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, `credentials.privateKey must be an ${expected.toUpperCase()} private key for ${algorithm}`, { temporary: false });
  }
  if (algorithm === 'ES384' && key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
    throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, 'credentials.privateKey must be on curve P-384 for ES384', { temporary: false });
  }
  return key;
}

/**
 * A signed client assertion JWT for SMART Backend Services `private_key_jwt`
 * (https://hl7.org/fhir/smart-app-launch/backend-services.html#authenticating-to-the-token-endpoint):
 * header `{ alg, kid, typ: 'JWT' }`; claims `iss` = `sub` = client id, `aud` = token URL,
 * `exp` = now + lifetime (≤ 300 s), `iat`, a random `jti`. Signed with node:crypto: RS384 is
 * RSASSA-PKCS1-v1_5 with SHA-384; ES384 is ECDSA P-384 with the raw `r‖s` signature JWS
 * requires (`dsaEncoding: 'ieee-p1363'`, RFC 7518 §3.4).
 * @throws ProviderException INVALID_CONFIG when the key does not fit the algorithm.
 */
export function signClientAssertion(input: AssertionInput): string {
  const key = loadSigningKey(input.privateKey, input.algorithm);
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  const lifetime = Math.min(MAX_ASSERTION_LIFETIME_S, Math.max(1, input.lifetimeSeconds ?? MAX_ASSERTION_LIFETIME_S));
  const header = { alg: input.algorithm, kid: input.keyId, typ: 'JWT' };
  const claims = { iss: input.clientId, sub: input.clientId, aud: input.tokenUrl, exp: now + lifetime, iat: now, jti: randomUUID() };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = input.algorithm === 'RS384'
    ? sign('sha384', Buffer.from(signingInput), key)
    : sign('sha384', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${b64url(signature)}`;
}
