import { Inject, Injectable } from '@nestjs/common';
import { ProviderAdapter, VendorDescriptor } from './provider-adapter';
import { ProviderException, ProviderExceptionCode } from './provider.exception';

/** Injection token under which every vendor module contributes its adapter (multi-provider list). */
export const PROVIDER_ADAPTERS = Symbol('PROVIDER_ADAPTERS');

/** Looks adapters up by vendor id; the catalog lists only vendors whose adapter is registered. */
@Injectable()
export class ProviderRegistryService {
  private readonly byId: Map<string, ProviderAdapter>;

  constructor(@Inject(PROVIDER_ADAPTERS) adapters: ProviderAdapter[]) {
    this.byId = new Map(adapters.map((a) => [a.descriptor.id, a]));
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

  descriptors(): VendorDescriptor[] {
    return [...this.byId.values()].map((a) => a.descriptor);
  }
}
