import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { GetSecretValueCommand, GetSecretValueCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { APP_ENV } from '../../../config/config.module';
import { AppEnv } from '../../../config/env';
import { FieldError } from '../../../common/validation';
import { VendorDescriptor } from '../../../providers/provider-adapter';
import { ProviderException, ProviderExceptionCode } from '../../../providers/provider.exception';
import { IntegrationException, IntegrationExceptionCode } from '../integration.exception';
import { SecretsProvider, StoredCredentials } from './secrets-provider';

interface CacheEntry {
  secretId: string;
  expiresAt: number;
  value: Record<string, string>;
}

/** AWS error names that mean "the hub may not read this secret" (IAM, keys, signature). */
const ACCESS_ERRORS = new Set([
  'AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException',
  'InvalidClientTokenId', 'CredentialsProviderError', 'SignatureDoesNotMatch',
]);
const REQUEST_ERRORS = new Set(['InvalidRequestException', 'InvalidParameterException', 'ValidationException']);

/** An error's name when it is a plain identifier (AWS error codes are); never its message, which could echo input. */
function errorName(error: unknown): string {
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(name) ? name : 'Error';
}

/**
 * `aws-secrets-manager`: the integration stores a secret name or ARN; the secret's value
 * (SecretString, or SecretBinary as UTF-8) is a JSON object holding the vendor's credential
 * fields. Extra keys (for example `username`, `host` of an RDS-style secret) are ignored.
 *
 * Values are cached per integration for `SECRETS_CACHE_TTL_SECONDS`; concurrent loads share one
 * `GetSecretValue` call. `invalidate()` drops the entry so the next load re-reads the secret
 * (callers do this once after the vendor rejects the credentials, to pick up a rotation).
 * Region and endpoint come from `AWS_REGION` and `AWS_ENDPOINT_URL_SECRETS_MANAGER`; AWS
 * credentials from the SDK's default chain (environment, profile, container or instance role).
 * Errors name the secret id and the AWS error code, never a value or an AWS message.
 */
@Injectable()
export class AwsSecretsManagerProvider implements SecretsProvider, OnModuleDestroy {
  readonly id = 'aws-secrets-manager' as const;
  private readonly logger = new Logger('AwsSecretsManager');
  private readonly ttlMs: number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, { secretId: string; promise: Promise<Record<string, string>> }>();
  /** Bumped by invalidate(): a read that started before an invalidation is not cached. */
  private readonly generation = new Map<string, number>();
  private lastSweep = 0;
  private sdkClient?: SecretsManagerClient;

  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {
    this.ttlMs = env.secretsCacheTtlSeconds * 1000;
  }

  /** The SDK client, created on first use. */
  get client(): SecretsManagerClient {
    this.sdkClient ??= new SecretsManagerClient({
      region: this.env.awsRegion ?? undefined,
      endpoint: this.env.awsEndpointUrlSecretsManager ?? undefined,
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
    });
    return this.sdkClient;
  }

  async load(stored: StoredCredentials, descriptor: VendorDescriptor): Promise<Record<string, string>> {
    const secretId = stored.credentialsSecretId;
    if (!secretId) {
      throw new IntegrationException(IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE, 'Integration has no AWS Secrets Manager secret reference');
    }
    const now = Date.now();
    this.sweep(now);
    const hit = this.cache.get(stored.id);
    if (hit && hit.secretId === secretId && hit.expiresAt > now) return { ...hit.value };

    let pending = this.inflight.get(stored.id);
    if (!pending || pending.secretId !== secretId) {
      const generation = this.generation.get(stored.id) ?? 0;
      const promise = this.read(stored.id, secretId, descriptor).then((value) => {
        if (this.ttlMs > 0 && (this.generation.get(stored.id) ?? 0) === generation) {
          this.cache.set(stored.id, { secretId, expiresAt: Date.now() + this.ttlMs, value });
        }
        return value;
      }).finally(() => {
        if (this.inflight.get(stored.id)?.promise === promise) this.inflight.delete(stored.id);
      });
      pending = { secretId, promise };
      this.inflight.set(stored.id, pending);
    }
    return { ...(await pending.promise) };
  }

  invalidate(integrationId: string): boolean {
    this.cache.delete(integrationId);
    this.inflight.delete(integrationId);
    this.generation.set(integrationId, (this.generation.get(integrationId) ?? 0) + 1);
    return true;
  }

  onModuleDestroy(): void {
    this.cache.clear();
    this.inflight.clear();
    this.sdkClient?.destroy();
  }

  /** Drops expired entries (at most once a minute) so plaintext does not outlive its TTL in memory for long. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }

  private async read(integrationId: string, secretId: string, descriptor: VendorDescriptor): Promise<Record<string, string>> {
    let output: GetSecretValueCommandOutput;
    try {
      output = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      const translated = this.translate(error, secretId);
      this.logger.warn({ integrationId, errorClass: errorName(error), code: translated.code }, 'reading the credentials secret failed');
      throw translated;
    }
    const text = output.SecretString ?? (output.SecretBinary ? Buffer.from(output.SecretBinary).toString('utf8') : undefined);
    const credentials = pickCredentials(text, descriptor, secretId);
    this.logger.debug({ integrationId, versionId: output.VersionId ?? null }, 'credentials read from AWS Secrets Manager');
    return credentials;
  }

  private translate(error: unknown, secretId: string): IntegrationException | ProviderException {
    const name = errorName(error);
    const unavailable = (message: string) => new IntegrationException(IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE, message);
    if (name === 'ResourceNotFoundException') {
      return unavailable(`AWS Secrets Manager secret not found: "${secretId}" does not exist or has no current value`);
    }
    if (ACCESS_ERRORS.has(name)) {
      return unavailable(`AWS Secrets Manager refused to read secret "${secretId}" (${name}): check the hub's AWS credentials and IAM permissions`);
    }
    if (name === 'DecryptionFailure') {
      return unavailable(`AWS Secrets Manager could not decrypt secret "${secretId}" with its KMS key (DecryptionFailure)`);
    }
    if (REQUEST_ERRORS.has(name)) {
      return unavailable(`AWS Secrets Manager rejected the request for secret "${secretId}" (${name}): it may be scheduled for deletion`);
    }
    const message = (error as { message?: unknown })?.message;
    if (typeof message === 'string' && /region is missing/i.test(message)) {
      return unavailable('AWS Secrets Manager is not configured on this server: set AWS_REGION');
    }
    const code = (error as { code?: unknown })?.code;
    const suffix = typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? ` ${code}` : '';
    return new ProviderException(ProviderExceptionCode.CONNECTION_FAILED, `Could not read secret "${secretId}" from AWS Secrets Manager (${name}${suffix})`, { temporary: true });
  }
}

/**
 * Takes the vendor's credential fields from a secret's text. Messages name the secret id and
 * the fields, never a value (a JSON parse error's text could quote the secret, so it is dropped).
 * @throws IntegrationException CREDENTIALS_UNAVAILABLE
 */
export function pickCredentials(text: string | undefined, descriptor: VendorDescriptor, secretId: string): Record<string, string> {
  const expected = descriptor.credentialFields.map((f) => f.name).join(', ');
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new IntegrationException(
      IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE,
      `AWS Secrets Manager secret "${secretId}" is not a JSON object of credential fields (expected keys: ${expected})`,
    );
  }
  const source = parsed as Record<string, unknown>;
  const credentials: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const field of descriptor.credentialFields) {
    const value = source[field.name];
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ field: field.name, errors: [`credential field "${field.name}" is missing`] });
    } else if (typeof value !== 'string') {
      errors.push({ field: field.name, errors: [`credential field "${field.name}" must be a string`] });
    } else {
      credentials[field.name] = value;
    }
  }
  if (errors.length) {
    throw new IntegrationException(
      IntegrationExceptionCode.CREDENTIALS_UNAVAILABLE,
      `AWS Secrets Manager secret "${secretId}" lacks a usable credential field: ${errors.flatMap((e) => e.errors).join('; ')}`,
      errors,
    );
  }
  return credentials;
}
