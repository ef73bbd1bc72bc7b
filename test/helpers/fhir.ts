import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import IORedis from 'ioredis';
import { FhirR4Adapter, FhirR4AdapterOptions } from '../../src/providers/fhir-r4/fhir-r4.adapter';
import { AdapterContext } from '../../src/providers/provider-adapter';
import { FHIR_SANDBOX_PREFIX, FhirSandbox, FhirSandboxModule, FhirSandboxOptions } from '../../src/sandbox/fhir';

/** The simulated FHIR servers mounted alone in a small Nest app on a free loopback port. */
export interface FhirSandboxHost {
  app: INestApplication;
  /** `http://127.0.0.1:<port>/sandbox/fhir`: append `/{vendor}/{tenant}` for a FHIR base. */
  root: string;
  sandbox: FhirSandbox;
  close(): Promise<void>;
}

export async function startFhirSandbox(options: FhirSandboxOptions = {}): Promise<FhirSandboxHost> {
  @Module({ imports: [FhirSandboxModule.forRoot(options)] })
  class FhirHostModule {}
  const app = await NestFactory.create(FhirHostModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  // Longer than a slow step between two requests of a spec on a busy machine: Node's 5 s default
  // closes an idle keep-alive socket just as fetch reuses it (ECONNRESET).
  (app.getHttpServer() as { keepAliveTimeout: number }).keepAliveTimeout = 60_000;
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, sandbox: app.get(FhirSandbox), root: `http://127.0.0.1:${port}${FHIR_SANDBOX_PREFIX}`, close: () => app.close() };
}

/** A key pair as PEM (private, PKCS#8) and KeyObject (public). */
export function keyPair(algorithm: 'RS384' | 'ES384'): { privatePem: string; publicKey: KeyObject } {
  const pair = algorithm === 'RS384' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: pair.publicKey };
}

/** An adapter with its token cache under `prefix` in the spec's Redis db, fast retries and a short overlap. */
export function makeFhirAdapter(redis: IORedis, prefix: string, options: Partial<FhirR4AdapterOptions> = {}): FhirR4Adapter {
  return new FhirR4Adapter(redis, { encryptionKey: Buffer.alloc(32, 7) }, {
    tokenKeyPrefix: prefix, rateKeyPrefix: `${prefix}:rate`, retryBaseDelayMs: 20, retryMaxDelayMs: 200, maxRetryWaitMs: 5000, incrementalOverlapMs: 60_000, safetyLagMs: 0, ...options,
  });
}

/** The context of a `fhir-r4` integration on the sandbox tenant `{vendor}/{tenant}`. */
export function fhirContext(root: string, tenant: string, config: Record<string, unknown>, credentials: Record<string, string>, integrationId = `int-${tenant}`): AdapterContext {
  return { organizationId: 'org-spec', integrationId, environment: 'sandbox', config: { fhirBaseUrl: `${root}/fhir-r4/${tenant}`, pageSize: 25, ...config }, credentials };
}
