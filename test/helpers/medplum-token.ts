import { KeyObject, verify } from 'node:crypto';

/** A client the foreign server knows: its id and the public key registered under `kid`. */
export interface ForeignClient {
  clientId: string;
  kid: string;
  publicKey: KeyObject;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const HASH: Record<string, { hash: string; ec: boolean }> = { RS384: { hash: 'sha384', ec: false }, ES384: { hash: 'sha384', ec: true } };
const b64json = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * Checks a private_key_jwt client assertion the way SMART Backend Services asks of an
 * authorization server (https://hl7.org/fhir/smart-app-launch/backend-services.html#signature-verification):
 * signature by the registered key (RS384 or ES384, JWS `ieee-p1363` for EC), `kid`, `iss` = `sub`
 * = client id, `aud` = the token URL, `exp` in the future and at most 5 min away, `jti` unused.
 * Written here with node:crypto (no JOSE library is installed); the foreign server's part, not the hub's.
 * @returns null when accepted, else the reason (the endpoint answers `invalid_client`).
 */
export function verifyClientAssertion(form: URLSearchParams, clients: ForeignClient[], tokenUrl: string, jtis: Set<string>): string | null {
  if (form.get('client_assertion_type') !== ASSERTION_TYPE) return 'client_assertion_type';
  const parts = (form.get('client_assertion') ?? '').split('.');
  if (parts.length !== 3) return 'malformed assertion';
  const [header, claims] = [b64json(parts[0]), b64json(parts[1])];
  const client = clients.find((c) => c.clientId === claims.iss);
  if (!client) return 'unknown client';
  const alg = HASH[String(header.alg)];
  if (!alg || header.kid !== client.kid) return 'alg or kid';
  const key = alg.ec ? { key: client.publicKey, dsaEncoding: 'ieee-p1363' as const } : client.publicKey;
  if (!verify(alg.hash, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'))) return 'signature';
  const now = Date.now() / 1000;
  if (claims.iss !== client.clientId || claims.sub !== client.clientId) return 'iss/sub';
  if (claims.aud !== tokenUrl) return 'aud';
  if (typeof claims.exp !== 'number' || claims.exp < now || claims.exp > now + 300 + 5) return 'exp';
  if (typeof claims.jti !== 'string' || jtis.has(claims.jti)) return 'jti';
  jtis.add(claims.jti);
  return null;
}
