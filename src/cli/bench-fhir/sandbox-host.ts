import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FHIR_SANDBOX_PREFIX, FhirSandbox, FhirSandboxModule } from '../../sandbox/fhir';

/* Child process of `npm run bench:fhir`: the FHIR sandbox alone on a loopback port, so its
 * in-memory store (N patients, about 3N appointments) is not counted in the hub's RSS.
 * Args: --patients N --secret S. Prints one JSON line {"root": ".../sandbox/fhir"} when ready. */

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

async function main(): Promise<void> {
  const patients = Number(arg('patients', '100000'));
  @Module({ imports: [FhirSandboxModule.forRoot({ patients, seed: 77, tokenLifetimeSeconds: 3600, bulkFileLines: 5000, bulkReadyAfterMs: 100 })] })
  class BenchSandboxModule {}
  const app = await NestFactory.create(BenchSandboxModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const sandbox = app.get(FhirSandbox);
  sandbox.registerClient('bench-client', { clientSecret: arg('secret', 'bench-secret') });
  sandbox.tenant('fhir-r4', 'bench'); // generate now, not inside the first timed request
  const { port } = app.getHttpServer().address() as { port: number };
  process.stdout.write(`${JSON.stringify({ root: `http://127.0.0.1:${port}${FHIR_SANDBOX_PREFIX}` })}\n`);
  // The parent holds our stdin: when it exits (finished or failed), so do we.
  process.stdin.resume();
  process.stdin.once('end', () => process.exit(0));
}

main().catch((error: Error) => {
  process.stderr.write(`bench sandbox failed: ${error.message}\n`);
  process.exit(1);
});
