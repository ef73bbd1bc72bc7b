import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import IORedis from 'ioredis';
import { ReadResult, readToEnd } from './read-all';
import { NexHealthAdapter, NexHealthAdapterOptions } from '../../src/providers/nexhealth/nexhealth.adapter';
import { AdapterContext, Checkpoint, ReadBatch, ResourceType } from '../../src/providers/provider-adapter';
import {
  NEXHEALTH_SANDBOX_API_KEY, NEXHEALTH_SANDBOX_PREFIX, NEXHEALTH_SANDBOX_SUBDOMAIN, NexHealthSandbox, NexHealthSandboxModule, NexHealthSandboxOptions,
} from '../../src/sandbox/nexhealth';

/** The Redis database these specs share with the OpenDental API specs (db 7); keys are prefixed per spec and removed. */
export const TEST_REDIS_URL = process.env.SANDBOX_REDIS_URL ?? 'redis://127.0.0.1:6379/7';

/** The simulated NexHealth API mounted alone in a small Nest app on a free loopback port. */
export interface NexSandbox {
  app: INestApplication;
  /** `http://127.0.0.1:<port>/sandbox/nexhealth`: the adapter's `baseUrl`. */
  baseUrl: string;
  sandbox: NexHealthSandbox;
  close(): Promise<void>;
}

/** Starts the sandbox (in-memory institution; `patients` default 200). */
export async function startNexSandbox(options: NexHealthSandboxOptions = {}): Promise<NexSandbox> {
  @Module({ imports: [NexHealthSandboxModule.forRoot(options)] })
  class NexHostModule {}
  const app = await NestFactory.create(NexHostModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, sandbox: app.get(NexHealthSandbox), baseUrl: `http://127.0.0.1:${port}${NEXHEALTH_SANDBOX_PREFIX}`, close: () => app.close() };
}

/** An adapter whose rate-limit windows live in Redis db 7 under `prefix` (fast retries for tests). */
export function makeNexAdapter(redis: IORedis, prefix: string, options: Partial<NexHealthAdapterOptions> = {}): NexHealthAdapter {
  return new NexHealthAdapter(redis, { throttleKeyPrefix: prefix, retryBaseDelayMs: 50, retryMaxDelayMs: 2000, incrementalOverlapMs: 1000, ...options });
}

/** The context of a `nexhealth` integration pointed at the sandbox (first location, small pages unless overridden). */
export function nexContext(baseUrl: string, config: Record<string, unknown> = {}, apiKey = NEXHEALTH_SANDBOX_API_KEY): AdapterContext {
  return {
    organizationId: 'org-spec', integrationId: 'int-nexhealth', environment: 'sandbox',
    config: { baseUrl, subdomain: NEXHEALTH_SANDBOX_SUBDOMAIN, locationId: 101, pageSize: 50, ...config },
    credentials: { apiKey },
  };
}

/** Runs one read() to its end; `onBatch` runs after each batch (e.g. to expire tokens mid-migration). */
export function readAll<R extends ResourceType>(adapter: NexHealthAdapter, ctx: AdapterContext, resource: R, checkpoint: Checkpoint | null = null,
  batchSize = 1000, onBatch?: (batch: ReadBatch, index: number) => void | Promise<void>): Promise<ReadResult<R>> {
  return readToEnd(adapter, ctx, { resource, checkpoint, batchSize }, onBatch);
}

/** A raw call as a NexHealth client makes it: `token` → Bearer, `apiKey` → bare Authorization; Nex-Api-Version unless `version: null`. */
export async function nexRequest(baseUrl: string, path: string, options: { method?: string; token?: string; apiKey?: string; body?: unknown; version?: string | null } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers.Authorization = options.apiKey;
  if (options.version !== null) headers['Nex-Api-Version'] = options.version ?? 'v3.0.0';
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** A bearer token for the default sandbox key. */
export async function nexToken(baseUrl: string, apiKey = NEXHEALTH_SANDBOX_API_KEY): Promise<string> {
  const res = await nexRequest(baseUrl, '/authenticates', { method: 'POST', apiKey });
  if (res.status !== 201) throw new Error(`authenticate answered ${res.status}`);
  return res.body.data.token as string;
}

/** A webhook receiver on a loopback port: records raw bodies and headers, answers `status()` (default 200). */
export interface Receiver {
  url: string;
  received: Array<{ body: Buffer; headers: IncomingHttpHeaders }>;
  status: number;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '', received: [], status: 200,
    waitFor: async (count, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (receiver.received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${receiver.received.length} of ${count} deliveries`);
        await sleep(20);
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = receiver.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
  return receiver;
}

/** Removes a spec's Redis keys. */
export async function dropKeys(redis: IORedis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
