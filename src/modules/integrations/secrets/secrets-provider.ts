import { VendorDescriptor } from '../../../providers/provider-adapter';

/** Where an integration's credentials are kept (`integrations.credentials_provider`). */
export const CREDENTIALS_PROVIDERS = ['local', 'aws-secrets-manager'] as const;
export type CredentialsProviderId = (typeof CREDENTIALS_PROVIDERS)[number];

/** External providers: the integration stores only a reference (`credentialsSecretId`). */
export const EXTERNAL_CREDENTIALS_PROVIDERS = ['aws-secrets-manager'] as const;
export type ExternalCredentialsProviderId = (typeof EXTERNAL_CREDENTIALS_PROVIDERS)[number];

/** What the store holds about an integration's credentials, as read from its row. */
export interface StoredCredentials {
  id: string;
  organizationId: string;
  vendor: string;
  credentialsProvider: string;
  credentialsSecretId: string | null;
  credentialsCiphertext: Buffer | null;
}

/**
 * One place credentials can live. `load` returns the vendor's credential fields as strings;
 * its errors are IntegrationException (CREDENTIALS_UNAVAILABLE, permanent) or ProviderException
 * (CONNECTION_FAILED, temporary) with messages that never contain a credential value.
 */
export interface SecretsProvider {
  readonly id: CredentialsProviderId;
  load(stored: StoredCredentials, descriptor: VendorDescriptor): Promise<Record<string, string>>;
  /** Forgets anything cached for the integration. Returns true when a fresh load may give other values. */
  invalidate(integrationId: string): boolean;
}
