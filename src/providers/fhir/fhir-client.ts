import { createHash, createPublicKey } from 'node:crypto';
import { loadSigningKey } from './client-assertion';
import { BearerSource, FhirHttp, FhirHttpSettings } from './fhir-http';
import { searchPages, SearchOptions, SearchPage } from './search-pages';
import { AccessToken, ClientAuth, discoverTokenUrl, requestToken } from './smart-auth';
import { FhirTokenCache } from './token-cache';

/** What one integration's client connects with. */
export interface FhirConnection {
  integrationId: string;
  fhirBaseUrl: string;
  /** null: discovered from `{fhirBaseUrl}/.well-known/smart-configuration`. */
  tokenUrl: string | null;
  clientId: string;
  scope: string;
  /** null: an open server (no token). */
  auth: ClientAuth | null;
}

/** Discovered token URLs are reused this long (ms) by a process. */
const DISCOVERY_TTL_MS = 10 * 60_000;
const discovered = new Map<string, { tokenUrl: string; until: number }>();

/**
 * One integration's FHIR R4 client: SMART Backend Services tokens (smart-auth.ts) shared
 * through {@link FhirTokenCache}, the HTTP rules of {@link FhirHttp} and paged search.
 * Create one per read (it holds the job's AbortSignal); the token cache is process-wide.
 */
export class FhirClient implements BearerSource {
  readonly http: FhirHttp;
  private tokenUrlValue: string | null;
  /** SHA-256 of the signing key's public half (part of the token cache key). */
  private readonly keyFingerprint: string = '';

  constructor(
    private readonly connection: FhirConnection,
    private readonly tokens: FhirTokenCache,
    settings: Omit<FhirHttpSettings, 'baseUrl'>,
  ) {
    this.tokenUrlValue = connection.tokenUrl;
    if (connection.auth?.method === 'private_key_jwt') {
      // Parse the PEM once: a bad key is a permanent configuration error before any request.
      const key = loadSigningKey(connection.auth.privateKey, connection.auth.algorithm);
      connection.auth = { ...connection.auth, privateKey: key };
      this.keyFingerprint = createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('hex');
    }
    this.http = new FhirHttp({ ...settings, baseUrl: connection.fhirBaseUrl.replace(/\/+$/, '') }, connection.auth ? this : null);
  }

  /** The token endpoint: configured, or discovered (cached per base URL for 10 min). @throws ProviderException. */
  async tokenUrl(): Promise<string> {
    if (this.tokenUrlValue) return this.tokenUrlValue;
    const base = this.http.settings.baseUrl;
    const hit = discovered.get(base);
    if (hit && hit.until > Date.now()) return (this.tokenUrlValue = hit.tokenUrl);
    const tokenUrl = await discoverTokenUrl(base, this.http.settings.timeoutMs, this.http.settings.signal);
    discovered.set(base, { tokenUrl, until: Date.now() + DISCOVERY_TTL_MS });
    return (this.tokenUrlValue = tokenUrl);
  }

  private async cacheKey(): Promise<string> {
    const auth = this.connection.auth;
    const credential = !auth ? '' : auth.method === 'client_secret_basic' ? `secret:${auth.clientSecret}` : `key:${auth.keyId}:${this.keyFingerprint}`;
    return FhirTokenCache.keyOf({ tokenUrl: await this.tokenUrl(), clientId: this.connection.clientId, scope: this.connection.scope, integrationId: this.connection.integrationId, credential });
  }

  /** A bearer token (cached, renewed before expiry). @throws ProviderException AUTHENTICATION_FAILED (permanent) when the server refuses the client. */
  async token(): Promise<string> {
    const auth = this.connection.auth;
    if (!auth) return '';
    const tokenUrl = await this.tokenUrl();
    const mint = (): Promise<AccessToken> => requestToken({
      tokenUrl, clientId: this.connection.clientId, scope: this.connection.scope, auth,
      timeoutMs: this.http.settings.timeoutMs, maxAttempts: this.http.settings.maxAttempts, signal: this.http.settings.signal,
    });
    return this.tokens.get(await this.cacheKey(), mint, this.http.settings.signal);
  }

  async invalidate(token: string): Promise<void> {
    await this.tokens.invalidate(await this.cacheKey(), token);
  }

  /** GET `metadata` (the CapabilityStatement). @throws ProviderException. */
  async capabilityStatement(): Promise<Record<string, unknown>> {
    return (await this.http.get<Record<string, unknown>>('metadata')).body;
  }

  /** Pages of a search from `url` (relative to the base or absolute). See search-pages.ts. */
  search(url: string, options: SearchOptions): AsyncGenerator<SearchPage> {
    return searchPages(this.http, url, options);
  }
}
