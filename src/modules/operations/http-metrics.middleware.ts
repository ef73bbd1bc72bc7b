import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

/**
 * Express middleware timing every request into `http_request_duration_seconds`. The route
 * label is Express's matched pattern (`/api/v1/patients/:id`), or `unmatched` for 404s before
 * routing, so raw paths (which carry ids) never become label values.
 */
export function httpMetricsMiddleware(metrics: MetricsService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const routePath = (req.route as { path?: string } | undefined)?.path;
      const route = routePath ? `${req.baseUrl}${routePath}` : req.baseUrl || 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}
