import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** One load run: Standard Webhooks deliveries POSTed to `url`, signed with `secret` (`whsec_…`). */
export interface LoadOptions {
  url: string;
  secret: string;
  connections: number;
  durationSeconds: number;
}

/** What a run measured. Latencies are autocannon's (ms, 2xx responses only; non-2xx are counted apart). */
export interface LoadResult {
  durationSeconds: number;
  /** 2xx responses. */
  ok: number;
  non2xx: number;
  /** Socket errors and timeouts (timeouts are also counted in `errors`). */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  sent: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
}

/**
 * Runs autocannon in a worker thread (load-worker.ts) against `url` for `durationSeconds` with
 * `connections` keep-alive connections, each request a new signed delivery; resolves with the figures.
 * @throws Error when autocannon fails to start or the worker exits without a result.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: options });
    let settled = false;
    worker.once('message', (message: { result?: LoadResult; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (message.result) resolve(message.result);
      else reject(new Error(`autocannon: ${message.error}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code} and no result`));
    });
  });
}

/** Accepted deliveries per second: 2xx responses over the run's duration. */
export function acceptedPerSecond(result: LoadResult): number {
  return result.durationSeconds > 0 ? result.ok / result.durationSeconds : 0;
}
