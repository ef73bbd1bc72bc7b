import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { ClientKeyCapability, GeneratedClientKey, PublicJwk } from '../provider-adapter';

/**
 * Key pairs for SMART Backend Services clients (https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html):
 * RS384 → RSA 2048 bits (the SMART minimum), ES384 → EC P-384, by `node:crypto`. The public
 * half is a JWK with public members only (RSA `n`, `e`; EC `crv`, `x`, `y`) plus `kid`, `alg`
 * and `use: "sig"`, as a JWKS URL serves it. `kid` is a random UUID.
 */
export function generateClientKey(algorithm: 'RS384' | 'ES384'): GeneratedClientKey {
  const pair = algorithm === 'ES384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicJwk: publicJwkOf(pair.publicKey.export({ format: 'jwk' }), kid, algorithm) };
}

/** The public members of a JWK (never `d`, `p`, `q`, `dp`, `dq`, `qi`), from any JWK or PEM of the pair. */
export function publicJwkOf(jwk: Record<string, unknown>, kid: string, algorithm: string): PublicJwk {
  const pub = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ format: 'jwk' }) as Record<string, string>;
  return pub.kty === 'RSA'
    ? { kty: 'RSA', kid, alg: algorithm, use: 'sig', n: pub.n, e: pub.e }
    : { kty: 'EC', kid, alg: algorithm, use: 'sig', crv: pub.crv, x: pub.x, y: pub.y };
}

/** The capability every FHIR adapter offers: private key in `credentials.privateKey`, `kid` in `config.keyId`. */
export const FHIR_CLIENT_KEYS: ClientKeyCapability = {
  credentialField: 'privateKey',
  keyIdField: 'keyId',
  generate: (config) => generateClientKey(config.signingAlgorithm === 'ES384' ? 'ES384' : 'RS384'),
};
