import { createPublicKey, JsonWebKey, KeyObject, verify } from 'node:crypto';
import { FhirSandboxError } from './fhir-error';

/** A backend client registered at the simulated server: public keys by `kid` (JWK or PEM), or a client secret. */
export interface RegisteredClient {
  clientId: string;
  keys: Map<string, KeyObject>;
  clientSecret?: string;
  /** A JWKS URL registered instead of keys (Epic requires one for backend apps since 2026-02-23): fetched when a `kid` is unknown. */
  jwksUrl?: string;
}

/** The `iss` and `kid` of an assertion, unverified (to pick the client and key to verify with); nulls when unreadable. */
export function assertionIdentity(jwt: string): { iss: string | null; kid: string | null } {
  try {
    const [h, c] = jwt.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { kid?: unknown };
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as { iss?: unknown };
    return { iss: typeof claims.iss === 'string' ? claims.iss : null, kid: typeof header.kid === 'string' ? header.kid : null };
  } catch {
    return { iss: null, kid: null };
  }
}

/**
 * The keys of a JWK Set URL (RFC 7517 §5), as a token server fetches a client's registered JWKS.
 * Private members in the set are ignored. @throws FhirSandboxError 401 when it cannot be read.
 */
export async function fetchJwks(url: string): Promise<Map<string, KeyObject>> {
  let body: { keys?: Array<JsonWebKey & { kid?: string }> };
  try {
    const res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(String(res.status));
    body = (await res.json()) as typeof body;
  } catch {
    throw refuse('the registered JWKS URL could not be read');
  }
  const keys = new Map<string, KeyObject>();
  for (const jwk of body.keys ?? []) {
    try {
      const imported = importPublicKey({ jwk });
      keys.set(imported.kid, imported.key);
    } catch {
      // a key this server cannot use is skipped, as a JWKS consumer does
    }
  }
  return keys;
}

/** A public key as a test or the demo registers it: a JWK (with `kid`) or a PEM with its `kid`. */
export type PublicKeyInput = { jwk: JsonWebKey & { kid?: string } } | { pem: string; kid: string };

/** Builds the KeyObject of a registered key. @throws Error when it is not a public key. */
export function importPublicKey(input: PublicKeyInput): { kid: string; key: KeyObject } {
  if ('jwk' in input) {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = input.jwk;
    return { kid: input.jwk.kid ?? '', key: createPublicKey({ key: publicPart, format: 'jwk' }) };
  }
  return { kid: input.kid, key: createPublicKey(input.pem) };
}

/** Longest lifetime a client assertion may claim (SMART Backend Services: exp ≤ 5 min ahead). */
const MAX_AHEAD_S = 300;
/** Clock skew tolerated on `exp`, seconds. */
const SKEW_S = 5;

function refuse(message: string): FhirSandboxError {
  return new FhirSandboxError(401, 'security', message, {}, 'invalid_client');
}

/**
 * Checks a client assertion as a SMART Backend Services server must
 * (https://hl7.org/fhir/smart-app-launch/backend-services.html#signature-verification):
 * three base64url parts; `alg` RS384 or ES384; `iss` = `sub` = a registered client id; a
 * registered key for `kid` (the only key when `kid` is absent) verifying the signature (ES384
 * as raw r‖s); `aud` = this token endpoint's URL; `exp` in the future and at most 5 min
 * ahead; `jti` present and never used before (`seenJti` holds used ones until they expire).
 * @returns the client id. @throws FhirSandboxError 401 `invalid_client` naming the failed rule.
 */
export function verifyClientAssertion(jwt: string, context: { tokenUrl: string; clients: Map<string, RegisteredClient>; seenJti: Map<string, number>; now?: number }): string {
  const now = Math.floor((context.now ?? Date.now()) / 1000);
  const parts = jwt.split('.');
  if (parts.length !== 3) throw refuse('client_assertion is not a JWS compact serialisation');
  let header: { alg?: unknown; kid?: unknown };
  let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown; jti?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw refuse('client_assertion header or claims are not JSON');
  }
  if (header.alg !== 'RS384' && header.alg !== 'ES384') throw refuse('alg must be RS384 or ES384');
  const client = typeof claims.iss === 'string' ? context.clients.get(claims.iss) : undefined;
  if (!client || claims.sub !== claims.iss) throw refuse('iss and sub must both be a registered client_id');
  const key = typeof header.kid === 'string' ? client.keys.get(header.kid) : client.keys.size === 1 ? [...client.keys.values()][0] : undefined;
  if (!key) throw refuse('no registered key for this kid');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const ok = header.alg === 'RS384'
    ? key.asymmetricKeyType === 'rsa' && verify('sha384', signed, key, signature)
    : key.asymmetricKeyType === 'ec' && verify('sha384', signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw refuse('signature does not verify with the registered key');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(context.tokenUrl)) throw refuse('aud must be the token endpoint URL');
  if (typeof claims.exp !== 'number' || claims.exp <= now - SKEW_S) throw refuse('exp is missing or in the past');
  if (claims.exp > now + MAX_AHEAD_S + SKEW_S) throw refuse('exp is more than 5 minutes in the future');
  if (typeof claims.jti !== 'string' || !claims.jti) throw refuse('jti is required');
  for (const [jti, until] of context.seenJti) if (until < now) context.seenJti.delete(jti);
  const replayKey = `${client.clientId}\n${claims.jti}`;
  if (context.seenJti.has(replayKey)) throw refuse('jti was already used');
  context.seenJti.set(replayKey, claims.exp);
  return client.clientId;
}
