import autocannon from 'autocannon';
import { parentPort, workerData } from 'node:worker_threads';
import { signedDelivery, standardWebhooksKeyOf } from './delivery';
import type { LoadOptions, LoadResult } from './load';

/* Worker-thread entry of runLoad(): autocannon on its own event loop, so the load generator's
 * HTTP parsing and HMAC signing do not run on the thread of the server it measures. */

const options = workerData as LoadOptions;
const key = standardWebhooksKeyOf(options.secret);
let seq = 0;

const cannonOptions: autocannon.Options = {
  url: options.url,
  connections: options.connections,
  duration: options.durationSeconds,
  timeout: 10,
  requests: [{
    method: 'POST',
    // A fresh id, timestamp, body and signature for every request: each one is a new delivery.
    setupRequest: (request) => {
      const delivery = signedDelivery(key, seq++);
      return { ...request, headers: delivery.headers, body: delivery.body };
    },
  }],
};

autocannon(cannonOptions, (error, raw) => {
  if (error) {
    parentPort?.postMessage({ error: error.message });
    return;
  }
  // Off the main thread autocannon hands back encoded histograms; aggregate as its own workers mode does.
  const result = autocannon.aggregateResult([raw], cannonOptions);
  const summary: LoadResult = {
    durationSeconds: result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    sent: result.requests.sent,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
  };
  parentPort?.postMessage({ result: summary });
});
