import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { vendorRegistry } from '../../common/vendor-metrics';
import { ALL_QUEUES } from '../../queue/queue.module';

/** BullMQ job states shown per queue (https://docs.bullmq.io/guide/jobs). */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

/**
 * The app's Prometheus metrics (https://prometheus.io/docs/concepts/metric_types/), on a registry
 * of its own per app instance (so two apps in one process do not collide). Series:
 * - `http_request_duration_seconds{method,route,status_code}` histogram (route = the matched
 *   pattern, `/api/v1/patients/:id`, never the raw path, which could carry ids or PHI);
 * - `bullmq_queue_jobs{queue,state}` gauge, read from Redis at each scrape;
 * - `sync_records_total{resource,outcome}` counter (added, updated, unchanged, skipped, failed, deleted);
 * - `webhook_deliveries_total{outcome,reason}`;
 * - `conflict_decisions_total{strategy,resolution}` (the conflict-resolution queue's decisions);
 * - process-wide, merged in at render: `vendor_requests_total{vendor,status_class}`,
 *   `vendor_request_duration_seconds{vendor}`, `vendor_throttled_total{vendor}` (429 answers),
 *   `vendor_token_renewals_total{vendor,outcome}` (common/vendor-metrics.ts);
 * - the process metrics of prom-client's `collectDefaultMetrics` (CPU, RSS, heap, event-loop lag, GC).
 * Labels never carry PHI, ids or secrets: only names from fixed sets.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by matched route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly syncRecords = new Counter({
    name: 'sync_records_total',
    help: 'Source rows processed by sync jobs, by canonical resource and outcome',
    labelNames: ['resource', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly conflictDecisions = new Counter({
    name: 'conflict_decisions_total',
    help: 'Conflicts decided by the conflict-resolution queue, by policy strategy and resolution (left_open when a person must decide)',
    labelNames: ['strategy', 'resolution'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Inbound webhook deliveries, by outcome (accepted, rejected, duplicate) and rejection reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(ALL_QUEUES) queues: Queue[]) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs per BullMQ queue and state, read at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }));
      },
    });
  }

  /** The Prometheus text exposition of every series: this app's and the process-wide vendor series (common/vendor-metrics.ts). */
  async render(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([this.registry, vendorRegistry]);
    return { contentType: this.registry.contentType, body: await merged.metrics() };
  }
}
