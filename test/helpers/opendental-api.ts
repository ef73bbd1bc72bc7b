import { specDatabase } from './sandbox';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import IORedis from 'ioredis';
import { ReadResult, readToEnd } from './read-all';
import { AdapterContext, Checkpoint, ResourceType } from '../../src/providers/provider-adapter';
import { OpenDentalApiAdapter, OpenDentalApiAdapterOptions } from '../../src/providers/opendental-api/opendental-api.adapter';
import { buildOpenDentalSandbox } from '../../src/sandbox/opendental-db';
import { OpenDentalApiSandbox, OpenDentalApiSandboxModule, SANDBOX_API_PREFIX, SANDBOX_DEVELOPER_KEY } from '../../src/sandbox/opendental-api';

/** MariaDB of the machine, and the Redis database these specs own (db 7, or SANDBOX_REDIS_URL). */
export const MYSQL_URL = process.env.SANDBOX_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS_URL = process.env.SANDBOX_REDIS_URL ?? 'redis://127.0.0.1:6379/7';

/** The simulated OpenDental API, mounted alone in a small Nest app listening on a free loopback port. */
export interface ApiSandbox {
  app: INestApplication;
  /** `http://127.0.0.1:<port>/sandbox/opendental/api/v1`: the adapter's `baseUrl`. */
  baseUrl: string;
  sandbox: OpenDentalApiSandbox;
  redis: IORedis;
  close(): Promise<void>;
}

/** Starts the sandbox API (Redis db 7, keys under `keyPrefix`, removed by close()). */
export async function startApiSandbox(keyPrefix: string): Promise<ApiSandbox> {
  const redis = new IORedis(TEST_REDIS_URL);
  @Module({ imports: [OpenDentalApiSandboxModule.forRoot({ mysqlUrl: MYSQL_URL, redis, keyPrefix })] })
  class SandboxHostModule {}
  const app = await NestFactory.create(SandboxHostModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app, redis, sandbox: app.get(OpenDentalApiSandbox), baseUrl: `http://127.0.0.1:${address.port}${SANDBOX_API_PREFIX}`,
    close: async () => {
      await app.close();
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** Builds an office database (`od_spec_api_*`, after the spec's TEST_DB_PREFIX) and returns its row counts. */
export async function buildOffice(database: string, patients: number, seed = 7): Promise<Record<string, number>> {
  if (!database.replace(process.env.TEST_DB_PREFIX ?? '', '').startsWith('od_spec_api_')) throw new Error('test databases are named od_spec_api_*');
  return (await buildOpenDentalSandbox({ mysqlUrl: MYSQL_URL, database, patients, seed })).counts;
}

/** An adapter whose throttle state lives in Redis db 7 (pass its own connection so tests can close it). */
export function makeAdapter(redis: IORedis, options: Partial<OpenDentalApiAdapterOptions> = {}): OpenDentalApiAdapter {
  return new OpenDentalApiAdapter(redis, { retryBaseDelayMs: 50, ...options });
}

/** The adapter context of an `opendental-api` integration pointed at the sandbox. */
export function apiContext(baseUrl: string, customerKey: string, config: Record<string, unknown> = {}): AdapterContext {
  return {
    organizationId: 'org-spec', integrationId: `int-${customerKey}`, environment: 'sandbox',
    config: { baseUrl, timeZone: 'America/Chicago', ...config },
    credentials: { developerKey: SANDBOX_DEVELOPER_KEY, customerKey },
  };
}

/** Runs one read() to its end. */
export function readAll<R extends ResourceType>(adapter: OpenDentalApiAdapter | { read: OpenDentalApiAdapter['read'] }, ctx: AdapterContext, resource: R,
  checkpoint: Checkpoint | null = null, batchSize = 1000, limit?: number): Promise<ReadResult<R>> {
  return readToEnd(adapter, ctx, { resource, checkpoint, batchSize, limit });
}

/** A raw call to the sandbox API, as a client would make it. */
export async function odRequest(baseUrl: string, path: string, options: {
  method?: string; customerKey?: string; developerKey?: string; body?: unknown; contentType?: string | null; authorization?: string;
} = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  const auth = options.authorization ?? (options.customerKey ? `ODFHIR ${options.developerKey ?? SANDBOX_DEVELOPER_KEY}/${options.customerKey}` : undefined);
  if (auth) headers.Authorization = auth;
  if (options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
