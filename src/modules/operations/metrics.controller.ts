import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { safeEqual } from '../../common/crypto';
import { APP_ENV } from '../../config/config.module';
import type { AppEnv } from '../../config/env';
import { Public } from '../organizations/auth.context';
import { MetricsService } from './metrics.service';

/**
 * `GET /metrics`: Prometheus text format for a scraper holding `METRICS_TOKEN`
 * (`Authorization: Bearer <token>`). Without a configured token the route answers 404, so a
 * deployment exposes nothing until an operator opts in. Not an API route: left out of OpenAPI.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  /** @throws 404 when METRICS_TOKEN is unset; 401 for a missing or wrong token. */
  @Public()
  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (!this.env.metricsToken) throw new NotFoundException('Not found');
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!safeEqual(token, this.env.metricsToken)) throw new UnauthorizedException('Missing or wrong metrics token (Authorization: Bearer <METRICS_TOKEN>)');
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
