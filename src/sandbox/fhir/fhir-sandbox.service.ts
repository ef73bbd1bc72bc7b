import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FhirResource } from '../../providers/fhir/fhir-types';
import { assertionIdentity, fetchJwks, importPublicKey, PublicKeyInput, RegisteredClient, verifyClientAssertion } from './assertion-verifier';
import type { BulkJob } from './bulk';
import { FhirSandboxError } from './fhir-error';
import { generateTenant, renamePatients, TenantData } from './generator';
import { FHIR_SANDBOX_PROFILES, FhirSandboxProfile, SandboxResourceType } from './profiles';
import { FHIR_SANDBOX_OPTIONS, FhirFaults, FhirSandboxOptions, NO_FAULTS } from './sandbox-options';

/** One simulated tenant: its data, faults and request log. */
export interface FhirTenant {
  key: string;
  profile: FhirSandboxProfile;
  data: TenantData;
  faults: FhirFaults;
  /** Requests received (FHIR and token), oldest first: method, path (no query), status, whether a bearer was sent. */
  log: Array<{ method: string; path: string; status: number | null; bearer: boolean }>;
  /** Resources removed (`remove`), for Bulk export `deleted` files. Epoch ms. */
  deletions: Array<{ type: SandboxResourceType; id: string; at: number }>;
  /** Bulk Data export jobs by id. */
  exports: Map<string, BulkJob>;
  /** Slots (profiles that book appointments; writes.ts). */
  slots: Map<string, FhirResource>;
}

/**
 * State of the simulated FHIR R4 servers under `/sandbox/fhir/{vendor}/{tenant}`: one seeded
 * store per tenant (generated on first use), registered backend clients (public keys or
 * secrets), issued access tokens with a settable lifetime, used `jti`s, faults and request logs.
 * Tests drive it in-process (register a client, set faults, change data, expire tokens).
 */
@Injectable()
export class FhirSandbox {
  readonly enabled: boolean;
  tokenLifetimeSeconds: number;
  /** Real ms from a Bulk kick-off to its manifest (settable by tests). */
  bulkReadyAfterMs: number;
  private readonly tenants = new Map<string, FhirTenant>();
  private readonly clients = new Map<string, RegisteredClient>();
  private readonly tokens = new Map<string, { tenant: string; expiresAt: number }>();
  private readonly seenJti = new Map<string, number>();

  constructor(@Inject(FHIR_SANDBOX_OPTIONS) private readonly options: FhirSandboxOptions) {
    this.enabled = options.enabled ?? true;
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 300;
    this.bulkReadyAfterMs = options.bulkReadyAfterMs ?? 300;
  }

  /** The tenant (generated on first use). @throws FhirSandboxError 404 for an unknown vendor profile. */
  tenant(vendor: string, tenant: string): FhirTenant {
    const profile = FHIR_SANDBOX_PROFILES[vendor];
    if (!profile || !/^[A-Za-z0-9-]{1,64}$/.test(tenant)) throw new FhirSandboxError(404, 'not-found', 'Unknown FHIR sandbox vendor or tenant');
    const key = `${vendor}/${tenant}`;
    let found = this.tenants.get(key);
    if (!found) {
      const data = generateTenant({ seed: this.options.seed ?? 4242, tenantKey: key, patients: this.options.patients ?? 120, now: Date.now() });
      if (profile.patientIdTemplate) renamePatients(data, (n) => profile.patientIdTemplate!.replace('{tenant}', tenant).replace('{n}', n));
      found = { key, profile, data, faults: { ...NO_FAULTS }, log: [], deletions: [], exports: new Map(), slots: new Map() };
      this.tenants.set(key, found);
    }
    return found;
  }

  /**
   * Registers (or replaces) a backend client: public keys or a JWKS URL for private_key_jwt
   * (the URL is read when an assertion names a `kid` not seen yet, so rotated keys are picked up),
   * and/or a secret for client_secret_basic.
   */
  registerClient(clientId: string, registration: { keys?: PublicKeyInput[]; jwksUrl?: string; clientSecret?: string }): void {
    const keys = new Map((registration.keys ?? []).map((k) => {
      const imported = importPublicKey(k);
      return [imported.kid, imported.key] as const;
    }));
    this.clients.set(clientId, { clientId, keys, clientSecret: registration.clientSecret, jwksUrl: registration.jwksUrl });
  }

  /** Sets faults of one tenant (unnamed ones keep their value). */
  setFaults(vendor: string, tenant: string, faults: Partial<FhirFaults>): FhirFaults {
    const t = this.tenant(vendor, tenant);
    Object.assign(t.faults, faults);
    return { ...t.faults };
  }

  /**
   * The token endpoint's work: verifies `client_assertion` (assertion-verifier.ts) or HTTP Basic
   * credentials, then issues an opaque bearer token for this tenant.
   * @throws FhirSandboxError 400/401 with an OAuth error.
   */
  async issueToken(tenantKey: string, tokenUrl: string, form: Record<string, string>, authorization: string | undefined): Promise<{ access_token: string; token_type: 'bearer'; expires_in: number; scope: string }> {
    if (form.grant_type !== 'client_credentials') throw new FhirSandboxError(400, 'invalid', 'grant_type must be client_credentials', {}, 'unsupported_grant_type');
    if (form.client_assertion) {
      if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') throw new FhirSandboxError(400, 'invalid', 'client_assertion_type must be jwt-bearer', {}, 'invalid_request');
      const { iss, kid } = assertionIdentity(form.client_assertion);
      const client = iss ? this.clients.get(iss) : undefined;
      if (client?.jwksUrl && (!kid || !client.keys.has(kid))) client.keys = await fetchJwks(client.jwksUrl);
      verifyClientAssertion(form.client_assertion, { tokenUrl, clients: this.clients, seenJti: this.seenJti });
    } else {
      const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
      const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').map((s) => decodeURIComponent(s)) : [];
      const client = id ? this.clients.get(id) : undefined;
      const ok = !!client?.clientSecret && !!secret && secret.length === client.clientSecret.length && timingSafeEqual(Buffer.from(secret), Buffer.from(client.clientSecret));
      if (!ok) throw new FhirSandboxError(401, 'security', 'client authentication failed', {}, 'invalid_client');
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { tenant: tenantKey, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: this.tokenLifetimeSeconds, scope: form.scope ?? '' };
  }

  /** True when `token` is live for the tenant. */
  tokenValid(tenantKey: string, token: string): boolean {
    const entry = this.tokens.get(token);
    return !!entry && entry.tenant === tenantKey && entry.expiresAt > Date.now();
  }

  /** Revokes every issued token (the next request of each client gets 401). Returns how many there were. */
  expireAllTokens(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }

  /** Deletes a stored resource as an EHR user would (search no longer finds it; read answers 404). Returns whether it existed. */
  remove(vendor: string, tenant: string, type: SandboxResourceType, id: string): boolean {
    const t = this.tenant(vendor, tenant);
    const existed = t.data[type].delete(id);
    if (existed) t.deletions.push({ type, id, at: Date.now() });
    return existed;
  }

  /** Bulk export settings (options, then the tenant's faults). */
  bulkSettings(): { readyAfterMs: number; fileLines: number } {
    return { readyAfterMs: this.bulkReadyAfterMs, fileLines: this.options.bulkFileLines ?? 50 };
  }

  /**
   * Changes a stored resource as an EHR user would: applies `change`, bumps `meta.versionId`
   * and sets `meta.lastUpdated` to now. @throws FhirSandboxError 404 when it does not exist.
   */
  touch(vendor: string, tenant: string, type: SandboxResourceType, id: string, change: (r: FhirResource) => void = () => undefined): FhirResource {
    const resource = this.tenant(vendor, tenant).data[type].get(id);
    if (!resource) throw new FhirSandboxError(404, 'not-found', `${type}/${id} not found`);
    change(resource);
    resource.meta = { versionId: String(Number(resource.meta?.versionId ?? '0') + 1), lastUpdated: new Date().toISOString() };
    return resource;
  }
}
