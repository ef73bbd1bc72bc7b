import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GENERIC_WEBHOOK_SCHEMES } from '../../providers/provider-adapter';
import { ProviderRegistryService } from '../../providers/provider-registry.service';
import { WebhookSchemeDefinition } from '../../providers/webhook-verifier';
import { GENERIC_SCHEMES } from './verifiers';

/**
 * Every signature scheme the hub can verify: the generic ones (verifiers/) plus those the
 * registered adapters declare in their webhook capability. Core code resolves a scheme name
 * here and acts on its definition (verifier, where the secret comes from); it never compares
 * a scheme name with a literal.
 */
@Injectable()
export class WebhookSchemesService {
  constructor(private readonly registry: ProviderRegistryService) {}

  /** The scheme's definition, or undefined when neither core nor a registered adapter defines it. */
  resolve(name: string): WebhookSchemeDefinition | undefined {
    return (GENERIC_SCHEMES as Record<string, WebhookSchemeDefinition>)[name] ?? this.registry.vendorScheme(name);
  }

  /** Every known scheme name: generic ones first, then the vendors'. */
  names(): string[] {
    return [...GENERIC_WEBHOOK_SCHEMES, ...this.registry.vendorSchemeNames()];
  }

  /** A fresh secret in the scheme's format; null when its key is one of the integration's credentials (or the scheme is unknown). */
  generateSecret(name: string): string | null {
    const secret = this.resolve(name)?.secret;
    return secret?.source === 'endpoint' ? secret.generate() : null;
  }

  /**
   * Adds the known scheme names as the `enum` of `signatureAlgorithm` in the webhook DTOs of an
   * OpenAPI document (the DTO decorators cannot know which adapters are registered).
   */
  documentSchemes(document: OpenAPIObject): OpenAPIObject {
    const schemas = document.components?.schemas ?? {};
    for (const dto of ['WebhookCreateDto', 'WebhookResponseDto']) {
      const property = (schemas[dto] as { properties?: Record<string, { enum?: string[] }> } | undefined)?.properties?.signatureAlgorithm;
      if (property) property.enum = this.names();
    }
    return document;
  }
}
