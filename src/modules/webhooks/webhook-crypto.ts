import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { Cipher, deriveKey } from '../../common/crypto';

/**
 * Encryption of webhook secrets and payloads, each with its own derived key and bound to its
 * row (`aad`), so a ciphertext copied to another row fails to decrypt.
 */
@Injectable()
export class WebhookCrypto {
  private readonly secrets: Cipher;
  private readonly payloads: Cipher;

  constructor(@Inject(APP_ENV) env: AppEnv) {
    this.secrets = new Cipher(deriveKey(env.encryptionKey, 'webhook-secret'));
    this.payloads = new Cipher(deriveKey(env.encryptionKey, 'webhook-payload'));
  }

  sealSecret(endpointId: string, slot: 'current' | 'previous', secret: string): Buffer {
    return this.secrets.encrypt(secret, `webhook-endpoint:${endpointId}:${slot}`);
  }

  openSecret(endpointId: string, slot: 'current' | 'previous', data: Buffer): string {
    return this.secrets.decrypt(data, `webhook-endpoint:${endpointId}:${slot}`).toString('utf8');
  }

  sealPayload(deliveryRowId: string, body: Buffer): Buffer {
    return this.payloads.encrypt(body, `webhook-delivery:${deliveryRowId}`);
  }

  openPayload(deliveryRowId: string, data: Buffer): Buffer {
    return this.payloads.decrypt(data, `webhook-delivery:${deliveryRowId}`);
  }
}
