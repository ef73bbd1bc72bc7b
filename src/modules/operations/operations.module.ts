import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { InternalMetricsServer } from './internal-metrics.server';
import { MetricsService } from './metrics.service';

/** Operator-facing surfaces: Prometheus metrics (`GET /metrics`, and on `METRICS_PORT` when set) and, mounted at bootstrap, the queue dashboard. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, InternalMetricsServer],
  exports: [MetricsService],
})
export class OperationsModule {}
