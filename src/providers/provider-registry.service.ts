import { Inject, Injectable } from '@nestjs/common';
import { GENERIC_WEBHOOK_SCHEMES, ProviderAdapter, VendorDescriptor } from './provider-adapter';
import { ProviderException, ProviderExceptionCode } from './provider.exception';
import { WebhookSchemeDefinition } from './webhook-verifier';

/** Injection token under which every vendor module contributes its adapter (multi-provider list). */
export const PROVIDER_ADAPTERS = Symbol('PROVIDER_ADAPTERS');

/**
 * Looks adapters up by vendor id; the catalog lists only vendors whose adapter is registered.
 * Also gathers the webhook schemes adapters declare (`webhooks.schemes`), so core code can
 * resolve a scheme name without knowing which vendor owns it.
 * @throws Error at start-up when two adapters share an id or a scheme, or one redefines a generic scheme.
 */
@Injectable()
export class ProviderRegistryService {
  private readonly byId = new Map<string, ProviderAdapter>();
  private readonly schemes = new Map<string, WebhookSchemeDefinition>();

  constructor(@Inject(PROVIDER_ADAPTERS) adapters: ProviderAdapter[]) {
    const generic = new Set<string>(GENERIC_WEBHOOK_SCHEMES);
    for (const adapter of adapters) {
      const { id } = adapter.descriptor;
      if (this.byId.has(id)) throw new Error(`Two adapters are registered under the vendor id "${id}"`);
      this.byId.set(id, adapter);
      for (const [name, definition] of Object.entries(adapter.webhooks?.schemes ?? {})) {
        if (generic.has(name) || this.schemes.has(name)) throw new Error(`Webhook scheme "${name}" of vendor "${id}" is already defined`);
        this.schemes.set(name, definition);
      }
    }
  }

  /** @throws ProviderException UNKNOWN_VENDOR when no adapter has this id. */
  get(vendorId: string): ProviderAdapter {
    const adapter = this.byId.get(vendorId);
    if (!adapter) throw new ProviderException(ProviderExceptionCode.UNKNOWN_VENDOR, `Unknown vendor "${vendorId}"`);
    return adapter;
  }

  has(vendorId: string): boolean {
    return this.byId.has(vendorId);
  }

  /** Every registered adapter, in registration order. */
  adapters(): ProviderAdapter[] {
    return [...this.byId.values()];
  }

  descriptors(): VendorDescriptor[] {
    return this.adapters().map((a) => a.descriptor);
  }

  /** A vendor-declared webhook scheme by name (generic schemes are the webhooks module's); undefined when none declares it. */
  vendorScheme(name: string): WebhookSchemeDefinition | undefined {
    return this.schemes.get(name);
  }

  /** Names of every vendor-declared webhook scheme. */
  vendorSchemeNames(): string[] {
    return [...this.schemes.keys()];
  }
}
