import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Operator-facing surfaces: Prometheus metrics (`GET /metrics`) and, mounted at bootstrap, the queue dashboard. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class OperationsModule {}
