import { OutboundPolicy, parseAllowedNetworks } from '../common/outbound-policy';
import { randomBytes } from 'node:crypto';

/** Application roles: one image runs as API nodes, worker nodes, or both. */
export type AppRole = 'all' | 'api' | 'worker';

/**
 * The validated environment. Every variable is listed in `.env.example`.
 * Built once by {@link loadEnv}; start-up fails with the variable's name when one is invalid.
 */
export interface AppEnv {
  nodeEnv: string;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  adminApiKey: string;
  /** 32 raw bytes decoded from base64 `ENCRYPTION_KEY`. */
  encryptionKey: Buffer;
  appRole: AppRole;
  runMigrations: boolean;
  sandboxEnabled: boolean;
  sandboxMysqlUrl: string;
  logLevel: string;
  /** BullMQ lock duration for sync jobs (ms): how soon a stalled job of a killed worker is taken over. */
  syncLockDurationMs: number;
  /** Rows per batch read from a vendor and written to Postgres in one transaction. */
  syncBatchSize: number;
  /** AWS region for Secrets Manager (`AWS_REGION`); null = the SDK's own lookup (shared config profile). */
  awsRegion: string | null;
  /** Secrets Manager endpoint override (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), e.g. moto_server in tests; null = AWS. */
  awsEndpointUrlSecretsManager: string | null;
  /** How long credentials read from an external secrets manager are cached, in seconds (0 = read on every use). */
  secretsCacheTtlSeconds: number;
  /** Secrets an integration may reference must be named `<prefix><organizationId>/…` (tenant isolation in a shared AWS account). */
  secretsNamePrefix: string;
  /** Seconds a hub-generated client key stays in the integration's JWKS after a rotation (CLIENT_KEY_GRACE_SECONDS). */
  clientKeyGraceSeconds: number;
  /** Seconds between scheduled health checks of every enabled integration (`HEALTH_CHECK_INTERVAL_SECONDS`). */
  healthCheckIntervalSeconds: number;
  /**
   * Base URL vendors reach this service at (`PUBLIC_BASE_URL`, e.g. https://hub.example.com), used
   * when registering webhook endpoints at a vendor; null = http://127.0.0.1:<listening port>.
   */
  publicBaseUrl: string | null;
  /**
   * Where the hub may connect for a tenant (`ALLOWED_PRIVATE_NETWORKS`, comma-separated CIDRs;
   * https required when NODE_ENV=production). See common/outbound-policy.ts.
   */
  outboundPolicy: OutboundPolicy;
  /** Milliseconds a SIGTERM drain may take before the process exits anyway (`SHUTDOWN_TIMEOUT_MS`). */
  shutdownTimeoutMs: number;
  /**
   * Days audit events are kept (`AUDIT_RETENTION_DAYS`, default 2190 = six years, 45 CFR 164.316(b)(2)):
   * a monthly partition wholly older than this is dropped by the daily audit maintenance.
   */
  auditRetentionDays: number;
  /** Bearer token that opens `GET /metrics` (`METRICS_TOKEN`, at least 16 characters); null = /metrics answers 404. */
  metricsToken: string | null;
  /** Internal port serving `GET /metrics` without a token (`METRICS_PORT`, 0 = a free port); null = no such listener. */
  metricsPort: number | null;
  /** Interface the metrics port binds to (`METRICS_HOST`, default `0.0.0.0`: the pod network; never publish that port). */
  metricsHost: string;
  /** Developer defaults were used for secrets (a warning is printed at start). */
  usedDevDefaults: string[];
}

/** Raised when the environment is invalid; the message names the variable. */
export class EnvValidationError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid environment variable ${variable}: ${problem}`);
    this.name = 'EnvValidationError';
  }
}

const DEV_ADMIN_API_KEY = 'dev-admin-key-change-me';
// A fixed development key keeps local data decryptable across restarts; production must set its own.
const DEV_ENCRYPTION_KEY = Buffer.from('ehr-sync-hub-development-key-32b').toString('base64');

function bool(source: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = source[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new EnvValidationError(name, `expected true or false, got "${raw}"`);
}

function int(source: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = source[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EnvValidationError(name, `expected an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function url(source: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const raw = source[name] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new EnvValidationError(name, 'not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new EnvValidationError(name, `expected a ${protocols.join(' or ')} URL`);
  }
  return raw;
}

function awsRegion(source: NodeJS.ProcessEnv): string | null {
  const raw = source.AWS_REGION;
  if (!raw) return null;
  if (!/^[a-z]{2,}(-[a-z]+)+-\d{1,2}$/.test(raw)) throw new EnvValidationError('AWS_REGION', `expected an AWS region such as us-east-1, got "${raw}"`);
  return raw;
}

/**
 * Reads and validates the environment.
 * @throws EnvValidationError naming the first invalid variable.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): AppEnv {
  const nodeEnv = source.NODE_ENV || 'development';
  const production = nodeEnv === 'production';
  const usedDevDefaults: string[] = [];

  let adminApiKey = source.ADMIN_API_KEY || '';
  if (!adminApiKey) {
    if (production) throw new EnvValidationError('ADMIN_API_KEY', 'required when NODE_ENV=production');
    adminApiKey = DEV_ADMIN_API_KEY;
    usedDevDefaults.push('ADMIN_API_KEY');
  } else if (adminApiKey.length < 16) {
    throw new EnvValidationError('ADMIN_API_KEY', 'must be at least 16 characters');
  }

  let encryptionKeyB64 = source.ENCRYPTION_KEY || '';
  if (!encryptionKeyB64) {
    if (production) throw new EnvValidationError('ENCRYPTION_KEY', 'required when NODE_ENV=production');
    encryptionKeyB64 = DEV_ENCRYPTION_KEY;
    usedDevDefaults.push('ENCRYPTION_KEY');
  }
  const encryptionKey = Buffer.from(encryptionKeyB64, 'base64');
  if (encryptionKey.length !== 32 || encryptionKey.toString('base64') !== encryptionKeyB64.trim()) {
    throw new EnvValidationError('ENCRYPTION_KEY', 'must be the base64 encoding of exactly 32 bytes');
  }

  let allowedNetworks: OutboundPolicy['allowed'];
  try {
    allowedNetworks = parseAllowedNetworks(source.ALLOWED_PRIVATE_NETWORKS);
  } catch (error) {
    throw new EnvValidationError('ALLOWED_PRIVATE_NETWORKS', (error as Error).message);
  }

  const metricsToken = source.METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) throw new EnvValidationError('METRICS_TOKEN', 'must be at least 16 characters');

  const appRole = (source.APP_ROLE || 'all') as AppRole;
  if (!['all', 'api', 'worker'].includes(appRole)) {
    throw new EnvValidationError('APP_ROLE', 'expected all, api or worker');
  }

  return {
    nodeEnv,
    port: int(source, 'PORT', 3000, 0, 65535),
    databaseUrl: url(source, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/ehr_sync_hub', ['postgres:', 'postgresql:']),
    redisUrl: url(source, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    adminApiKey,
    encryptionKey,
    appRole,
    runMigrations: bool(source, 'RUN_MIGRATIONS', true),
    sandboxEnabled: bool(source, 'SANDBOX_ENABLED', !production),
    sandboxMysqlUrl: url(source, 'SANDBOX_MYSQL_URL', 'mysql://root@127.0.0.1:3306', ['mysql:']),
    logLevel: source.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
    syncLockDurationMs: int(source, 'SYNC_LOCK_DURATION_MS', 30000, 1000, 600000),
    syncBatchSize: int(source, 'SYNC_BATCH_SIZE', 2000, 1, 50000),
    awsRegion: awsRegion(source),
    awsEndpointUrlSecretsManager: source.AWS_ENDPOINT_URL_SECRETS_MANAGER ? url(source, 'AWS_ENDPOINT_URL_SECRETS_MANAGER', '', ['http:', 'https:']) : null,
    secretsCacheTtlSeconds: int(source, 'SECRETS_CACHE_TTL_SECONDS', 300, 0, 86400),
    secretsNamePrefix: source.SECRETS_NAME_PREFIX ?? 'ehr-sync-hub/',
    clientKeyGraceSeconds: int(source, 'CLIENT_KEY_GRACE_SECONDS', 86400, 0, 2592000),
    healthCheckIntervalSeconds: int(source, 'HEALTH_CHECK_INTERVAL_SECONDS', 300, 1, 86400),
    metricsToken,
    metricsPort: source.METRICS_PORT ? int(source, 'METRICS_PORT', 0, 0, 65535) : null,
    metricsHost: source.METRICS_HOST || '0.0.0.0',
    shutdownTimeoutMs: int(source, 'SHUTDOWN_TIMEOUT_MS', 25000, 1000, 600000),
    auditRetentionDays: int(source, 'AUDIT_RETENTION_DAYS', 2190, 1, 36500),
    outboundPolicy: { requireHttps: production, allowed: allowedNetworks },
    publicBaseUrl: source.PUBLIC_BASE_URL ? url(source, 'PUBLIC_BASE_URL', '', ['http:', 'https:']).replace(/\/+$/, '') : null,
    usedDevDefaults,
  };
}

/** Generates a value suitable for `ENCRYPTION_KEY`. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}
