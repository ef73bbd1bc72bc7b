import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV } from '../../../config/config.module';
import { AppEnv } from '../../../config/env';
import { Cipher, deriveKey } from '../../../common/crypto';
import { IntegrationException, IntegrationExceptionCode } from '../integration.exception';
import { SecretsProvider, StoredCredentials } from './secrets-provider';

/**
 * `local`: credentials encrypted with AES-256-GCM in `integrations.credentials_ciphertext`
 * (key derived from `ENCRYPTION_KEY`), binding `organizationId:integrationId` as additional
 * data so a ciphertext copied to another row fails to decrypt. Nothing is cached.
 */
@Injectable()
export class LocalSecretsProvider implements SecretsProvider {
  readonly id = 'local' as const;
  private readonly cipher: Cipher;

  constructor(@Inject(APP_ENV) env: AppEnv) {
    this.cipher = new Cipher(deriveKey(env.encryptionKey, 'integration-credentials'));
  }

  private aad(integration: { id: string; organizationId: string }): string {
    return `integration:${integration.organizationId}:${integration.id}`;
  }

  /** Encrypts validated credentials for `credentialsCiphertext`. */
  seal(integration: { id: string; organizationId: string }, credentials: Record<string, string>): Buffer {
    return this.cipher.encryptJson(credentials, this.aad(integration));
  }

  async load(stored: StoredCredentials): Promise<Record<string, string>> {
    if (!stored.credentialsCiphertext) {
      throw new IntegrationException(IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE, 'Integration has no stored credentials');
    }
    try {
      return this.cipher.decryptJson<Record<string, string>>(stored.credentialsCiphertext, this.aad(stored));
    } catch {
      throw new IntegrationException(IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE, 'Stored credentials could not be decrypted (wrong ENCRYPTION_KEY or tampered row)');
    }
  }

  invalidate(): boolean {
    return false;
  }
}
