import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { MetricsService } from './metrics.service';

/**
 * The internal metrics port (`METRICS_PORT`): a plain HTTP listener of its own, apart from the
 * API port, answering `GET /metrics` in the Prometheus text format
 * (https://prometheus.io/docs/instrumenting/exposition_formats/) without a token, and 404 to
 * anything else. It is meant for a network that only the scraper reaches (a pod port that no
 * Service or ingress publishes): the API port's `/metrics` keeps its `METRICS_TOKEN` guard and
 * answers 404 when no token is set. Every process runs one when the variable is set (API and
 * workers alike), so each process's own series (vendor calls, event-loop lag) can be scraped.
 * Unset = no listener. See docs/operations.md.
 */
@Injectable()
export class InternalMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;
  private readonly logger = new Logger(InternalMetricsServer.name);

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  /** The bound port (useful when `METRICS_PORT=0` picks a free one), or null when not listening. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  /** @throws the listen error (port in use, no permission): start-up fails naming METRICS_PORT. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.env.metricsPort === null) return;
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`METRICS_PORT ${this.env.metricsPort}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
      server.listen(this.env.metricsPort ?? 0, this.env.metricsHost, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on ${this.env.metricsHost}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    try {
      const { contentType, body } = await this.metrics.render();
      res.writeHead(200, { 'Content-Type': contentType }).end(body);
    } catch {
      // A scrape that cannot read Redis (queue gauges) fails as a whole: the scraper records it as down.
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
    }
  }
}
