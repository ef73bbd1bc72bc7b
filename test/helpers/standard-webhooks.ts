import { createHmac } from 'node:crypto';

/**
 * Signs like a Standard Webhooks sender (https://www.standardwebhooks.com/, spec/standard-webhooks.md):
 * `v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}`, keyed with the base64 part of `whsec_…`.
 */
export function signStandardWebhook(secret: string, id: string, timestamp: string, body: string | Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)])).digest('base64')}`;
}
