import axios from 'axios';
import { instrumentAxios } from '../../common/vendor-metrics';
import { checkAxiosRequest, checkedAgents, throwIfRefused } from '../common/outbound';
import type { KeyObject } from 'node:crypto';
import { abortableSleep, backoffMs, parseRetryAfter, RequestAborted } from '../common/retry';
import { ProviderException, ProviderExceptionCode } from '../provider.exception';
import { signClientAssertion, SigningAlgorithm } from './client-assertion';
import { FHIR_JSON } from './fhir-http';

/** `client_assertion_type` of private_key_jwt (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Lifetime assumed when a token response has no `expires_in` (the specification recommends ≤ 300 s). */
export const DEFAULT_TOKEN_LIFETIME_S = 300;

/** How the client authenticates at the token endpoint. */
export type ClientAuth =
  | { method: 'private_key_jwt'; keyId: string; algorithm: SigningAlgorithm; privateKey: string | KeyObject }
  | { method: 'client_secret_basic'; clientSecret: string };

/** One token request's inputs. */
export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  scope: string;
  auth: ClientAuth;
  timeoutMs: number;
  maxAttempts: number;
  signal?: AbortSignal;
}

/** An access token and its expiry (epoch ms). */
export interface AccessToken {
  accessToken: string;
  expiresAt: number;
  issuedAt: number;
}

/** OAuth 2.0 error codes (RFC 6749 §5.2) kept in messages; anything else is reported as `error`. */
const OAUTH_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

const plain = axios.create({ validateStatus: () => true, maxRedirects: 0, ...checkedAgents() });
// The discovered token endpoint is a vendor's answer: judged by the outbound-address policy like the configured base.
plain.interceptors.request.use(checkAxiosRequest);
instrumentAxios(plain, 'fhir-token');

/**
 * The token endpoint from `{fhirBaseUrl}/.well-known/smart-configuration`
 * (https://hl7.org/fhir/smart-app-launch/conformance.html#using-well-known).
 * @throws ProviderException INVALID_CONFIG (permanent) when the document has no `token_endpoint`;
 *   CONNECTION_FAILED (temporary) when the server cannot be reached or answers 5xx.
 */
export async function discoverTokenUrl(fhirBaseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  let status = 0;
  let data: unknown;
  try {
    const response = await plain.get(`${fhirBaseUrl}/.well-known/smart-configuration`, { timeout: timeoutMs, signal, headers: { Accept: 'application/json' } });
    status = response.status;
    data = response.data;
  } catch (error) {
    if (signal?.aborted) throw new RequestAborted();
    throwIfRefused(error, 'The FHIR server');
    throw new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, 'Could not reach the FHIR server for .well-known/smart-configuration', { temporary: true });
  }
  if (status >= 500) throw new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, `FHIR server answered ${status} to GET .well-known/smart-configuration`, { temporary: true });
  const tokenUrl = (data as { token_endpoint?: unknown } | null)?.token_endpoint;
  if (status !== 200 || typeof tokenUrl !== 'string' || !/^https?:\/\//i.test(tokenUrl)) {
    throw new ProviderException(ProviderExceptionCode.INVALID_CONFIG, `No token_endpoint in .well-known/smart-configuration (${status}); set config.tokenUrl`, { temporary: false });
  }
  return tokenUrl;
}

/**
 * SMART Backend Services token request (https://hl7.org/fhir/smart-app-launch/backend-services.html#obtaining-an-access-token):
 * `POST tokenUrl` form-encoded `grant_type=client_credentials&scope=…` with either
 * `client_assertion_type=…jwt-bearer&client_assertion=<signed JWT>` (a fresh assertion, new
 * `jti`, per attempt) or HTTP Basic `client_id:client_secret` (RFC 6749 §2.3.1).
 * 5xx, 429 and network failures are retried; 400/401/403 are permanent AUTHENTICATION_FAILED
 * naming the OAuth `error` code (never `error_description`).
 * @throws ProviderException.
 */
export async function requestToken(request: TokenRequest): Promise<AccessToken> {
  for (let attempt = 1; ; attempt++) {
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: request.scope });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: `application/json, ${FHIR_JSON}` };
    if (request.auth.method === 'private_key_jwt') {
      form.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
      form.set('client_assertion', signClientAssertion({ clientId: request.clientId, tokenUrl: request.tokenUrl, keyId: request.auth.keyId, algorithm: request.auth.algorithm, privateKey: request.auth.privateKey }));
    } else {
      const pair = `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.auth.clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    let status = 0;
    let data: unknown;
    let retryAfter: unknown;
    const issuedAt = Date.now();
    try {
      const response = await plain.post(request.tokenUrl, form.toString(), { timeout: request.timeoutMs, signal: request.signal, headers });
      status = response.status;
      data = response.data;
      retryAfter = response.headers['retry-after'];
    } catch (error) {
      if (request.signal?.aborted) throw new RequestAborted();
      throwIfRefused(error, 'The token endpoint');
    }
    if (status >= 200 && status < 300) return parseToken(data, issuedAt);
    if (status >= 400 && status < 500 && status !== 429) {
      const code = (data as { error?: unknown } | null)?.error;
      const named = typeof code === 'string' && OAUTH_ERRORS.has(code) ? code : 'error';
      throw new ProviderException(ProviderExceptionCode.AUTHENTICATION_FAILED, `Token endpoint refused the client (${status} ${named})`, { temporary: false });
    }
    const error = status === 0
      ? new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, 'Could not reach the token endpoint', { temporary: true })
      : new ProviderException(status === 429 ? ProviderExceptionCode.RATE_LIMITED : ProviderExceptionCode.CONNECTION_FAILED, `Token endpoint answered ${status}`, { temporary: true });
    if (attempt >= request.maxAttempts) throw error;
    await abortableSleep(backoffMs(attempt, { maxAttempts: request.maxAttempts, baseDelayMs: 200, maxDelayMs: 5000 }, Math.min(parseRetryAfter(retryAfter) ?? 0, 30_000)), request.signal);
  }
}

function parseToken(data: unknown, issuedAt: number): AccessToken {
  const body = data as { access_token?: unknown; expires_in?: unknown; token_type?: unknown } | null;
  if (typeof body?.access_token !== 'string' || !body.access_token) {
    throw new ProviderException(ProviderExceptionCode.VENDOR_ERROR, 'Token endpoint answered without an access_token', { temporary: false });
  }
  const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S;
  return { accessToken: body.access_token, issuedAt, expiresAt: issuedAt + lifetime * 1000 };
}
