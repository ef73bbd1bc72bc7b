import { vendorEntry } from '../modules/integrations/vendors.controller';
import { WebhookSchemesService } from '../modules/webhooks/webhook-schemes.service';
import { GENERIC_WEBHOOK_SCHEMES, ProviderAdapter, WebhookCapability } from './provider-adapter';
import { ProviderRegistryService } from './provider-registry.service';
import { WebhookSchemeDefinition } from './webhook-verifier';

const SCHEME: WebhookSchemeDefinition = {
  verifier: { verify: () => ({ ok: false, reason: 'never' }) },
  secret: { source: 'credential', field: 'apiKey' },
};

/** A bare adapter of vendor `id`, with the given capability objects. */
function adapter(id: string, extra: Partial<Pick<ProviderAdapter, 'webhooks' | 'writeBack' | 'listDatabases' | 'counts' | 'clientKeys'>> = {}): ProviderAdapter {
  return {
    descriptor: { id, name: id, category: 'ehr', description: id, capabilities: { resources: ['patients'], incremental: [] }, configSchema: {}, credentialFields: [] },
    testConnection: async () => ({ ok: true, message: 'ok' }),
    read: async function* () { /* nothing to read */ },
    ...extra,
  };
}

function hooks(schemes: Record<string, WebhookSchemeDefinition> = {}, register = false): WebhookCapability {
  return {
    descriptor: { defaultScheme: Object.keys(schemes)[0] ?? 'standard-webhooks', schemes: [...Object.keys(schemes), 'standard-webhooks'], events: ['patients'] },
    schemes,
    parse: () => [],
    fetchRecords: async () => [],
    ...(register ? { register: async () => ({ vendorEndpointId: '1', secret: 's', subscriptionIds: [] }), unregister: async () => undefined } : {}),
  };
}

describe('ProviderRegistryService', () => {
  it('gathers the schemes adapters declare; core resolves them beside the generic ones', () => {
    const registry = new ProviderRegistryService([adapter('a', { webhooks: hooks({ 'a-sig': SCHEME }) }), adapter('b')]);
    const schemes = new WebhookSchemesService(registry);
    expect(registry.vendorSchemeNames()).toEqual(['a-sig']);
    expect(schemes.names()).toEqual([...GENERIC_WEBHOOK_SCHEMES, 'a-sig']);
    expect(schemes.resolve('a-sig')).toBe(SCHEME);
    expect(schemes.resolve('standard-webhooks')?.secret.source).toBe('endpoint');
    expect(schemes.resolve('unknown')).toBeUndefined();
    expect(schemes.generateSecret('a-sig')).toBeNull(); // keyed by a credential: nothing to generate
    expect(schemes.generateSecret('hmac-sha512')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses at start-up a scheme declared twice, a generic scheme redefined, and a vendor id used twice', () => {
    expect(() => new ProviderRegistryService([adapter('a', { webhooks: hooks({ x: SCHEME }) }), adapter('b', { webhooks: hooks({ x: SCHEME }) })]))
      .toThrow('Webhook scheme "x" of vendor "b" is already defined');
    expect(() => new ProviderRegistryService([adapter('a', { webhooks: hooks({ 'hmac-sha256': SCHEME }) })])).toThrow('"hmac-sha256"');
    expect(() => new ProviderRegistryService([adapter('a'), adapter('a')])).toThrow('vendor id "a"');
  });

  it('the catalog derives its capability booleans from which objects an adapter provides', () => {
    const bare = vendorEntry(adapter('bare'));
    expect(bare.capabilities).toEqual({ resources: ['patients'], incremental: [], reconcileDeletes: [], webhooks: false, writeBack: false, listDatabases: false, countSource: false, clientKeys: false, registerWebhooks: false });
    expect(bare.webhooks).toBeUndefined();
    const full = vendorEntry(adapter('full', {
      webhooks: hooks({ 'full-sig': SCHEME }, true),
      writeBack: { actions: ['create_patient'], performAction: async () => ({ result: {}, records: [] }), findSlots: async () => [] },
      listDatabases: { list: async () => [] },
      counts: { countSource: async () => null },
      clientKeys: { credentialField: 'privateKey', keyIdField: 'keyId', generate: () => { throw new Error('not called'); } },
    }));
    expect(full.capabilities).toMatchObject({ webhooks: true, writeBack: true, listDatabases: true, countSource: true, clientKeys: true, registerWebhooks: true });
    expect(full.webhooks).toEqual({ defaultScheme: 'full-sig', schemes: ['full-sig', 'standard-webhooks'], events: ['patients'] });
    expect(vendorEntry(adapter('push', { webhooks: hooks() })).capabilities).toMatchObject({ webhooks: true, registerWebhooks: false });
  });
});
