import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ProviderRegistryService } from '../../providers/provider-registry.service';
import { Integration } from './integration.entity';
import { IntegrationException, IntegrationExceptionCode } from './integration.exception';
import { AwsSecretsManagerProvider } from './secrets/aws-secrets-manager.provider';
import { LocalSecretsProvider } from './secrets/local-secrets.provider';
import { SecretsProvider, StoredCredentials } from './secrets/secrets-provider';

/**
 * Stores and loads an integration's credentials through the provider named by
 * `integration.credentialsProvider`:
 * - `local`: AES-256-GCM in `credentialsCiphertext` (see {@link LocalSecretsProvider});
 * - `aws-secrets-manager`: a secret name or ARN in `credentialsSecretId`, its JSON value read
 *   and cached by {@link AwsSecretsManagerProvider}.
 * `load` is the one way credentials reach an adapter (through `IntegrationsService.adapterFor`).
 */
@Injectable()
export class CredentialsService {
  private readonly providers: Map<string, SecretsProvider>;

  constructor(
    @InjectRepository(Integration) private readonly repo: Repository<Integration>,
    private readonly registry: ProviderRegistryService,
    private readonly local: LocalSecretsProvider,
    aws: AwsSecretsManagerProvider,
  ) {
    this.providers = new Map<string, SecretsProvider>([[local.id, local], [aws.id, aws]]);
  }

  /** Encrypts credentials for storage in `integration.credentialsCiphertext` (`local` provider). */
  seal(integration: Pick<Integration, 'id' | 'organizationId'>, credentials: Record<string, string>): Buffer {
    return this.local.seal(integration, credentials);
  }

  /**
   * Loads an integration's credentials from its provider, reading the provider and reference
   * from the row (not from the possibly stale entity passed in).
   * @throws IntegrationException CREDENTIALS_UNAVAILABLE when missing, undecryptable, or the secret is absent or lacks a field;
   *   ProviderException CONNECTION_FAILED (temporary) when AWS Secrets Manager cannot be reached.
   */
  async load(integration: Pick<Integration, 'id' | 'organizationId'>, manager?: EntityManager): Promise<Record<string, string>> {
    const repo = manager ? manager.getRepository(Integration) : this.repo;
    const row = await repo.createQueryBuilder('i').addSelect('i.credentialsCiphertext')
      .where({ id: integration.id, organizationId: integration.organizationId }).getOne();
    if (!row) throw new IntegrationException(IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE, 'Integration has no stored credentials');
    const provider = this.providers.get(row.credentialsProvider);
    if (!provider) {
      throw new IntegrationException(IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE, `Unknown credentials provider "${row.credentialsProvider}"`);
    }
    const stored: StoredCredentials = {
      id: row.id, organizationId: row.organizationId, vendor: row.vendor, credentialsProvider: row.credentialsProvider,
      credentialsSecretId: row.credentialsSecretId, credentialsCiphertext: row.credentialsCiphertext,
    };
    return provider.load(stored, this.registry.get(row.vendor).descriptor);
  }

  /**
   * Forgets cached credentials of the integration (every provider), e.g. after the vendor
   * rejected them or after they were replaced. Returns true when the integration's provider is
   * external, i.e. loading again may give other values (a rotated secret); false for `local`.
   */
  invalidate(integration: Pick<Integration, 'id' | 'credentialsProvider'>): boolean {
    let refreshable = false;
    for (const provider of this.providers.values()) {
      const dropped = provider.invalidate(integration.id);
      if (provider.id === integration.credentialsProvider) refreshable = dropped;
    }
    return refreshable;
  }
}
