import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadEnv } from './config/env';
import { createApp } from './bootstrap';

/**
 * Entry point: serves the REST API and /health (and runs the workers unless APP_ROLE=api). On SIGTERM or SIGINT it
 * stops taking jobs, lets a running sync commit its current batch and hand the job back to the
 * queue, closes Postgres and Redis, and exits 0 — or exits 1 after SHUTDOWN_TIMEOUT_MS when that
 * drain cannot finish (Redis or Postgres unreachable).
 */
async function main(): Promise<void> {
  const env = loadEnv();
  const app = await createApp();
  await app.listen(env.port);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    new Logger('Shutdown').log(`${signal} received: draining (deadline ${env.shutdownTimeoutMs} ms)`);
    // A drain that waits on an unreachable Redis or Postgres must not hold the process: past the
    // deadline it exits anyway; the last committed batch and checkpoint stand, and BullMQ hands
    // the job to another worker once its lock expires.
    setTimeout(() => {
      new Logger('Shutdown').warn(`drain did not finish within ${env.shutdownTimeoutMs} ms: exiting`);
      process.exit(1);
    }, env.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: Error) => {
  // Start-up errors (bad environment, unreachable database) are printed without stack noise.
  process.stderr.write(`Start-up failed: ${error.message}\n`);
  process.exit(1);
});
