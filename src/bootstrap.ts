import { INestApplication, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadEnv } from './config/env';
import { ensureDatabase } from './database/ensure-database';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { useOutboundPolicy } from './common/outbound-connect';
import { requestHygieneMiddleware } from './common/request-hygiene';
import { requestIdMiddleware } from './common/request-id';
import { createValidationPipe } from './common/validation';
import { httpMetricsMiddleware } from './modules/operations/http-metrics.middleware';
import { MetricsService } from './modules/operations/metrics.service';
import { mountQueueDashboard } from './modules/operations/queue-dashboard';
import { isWebhookPath, WEBHOOK_BODY_LIMIT_BYTES } from './modules/webhooks/webhook-receiver.service';
import { WebhookSchemesService } from './modules/webhooks/webhook-schemes.service';

/** Builds the OpenAPI document of the app (also written to openapi/openapi.json by `npm run openapi`). */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('EHR Sync Hub')
    .setDescription('Connects EHR and practice-management systems, keeps their data in one store, and serves it. All /api/v1 routes need `Authorization: Bearer <api key>`.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Organization API key (or the admin key for POST /api/v1/organizations)' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  // Signature schemes are the generic ones plus those of the registered adapters: known only at run time.
  return app.get(WebhookSchemesService).documentSchemes(document);
}

/**
 * Creates and configures the Nest app: request ids, helmet, JSON body limit (1 MB), input hygiene (NUL, depth, prototype keys: common/request-hygiene.ts), the global
 * ValidationPipe and exception filter, Swagger UI at /docs (JSON at /docs-json), request metrics, and the queue dashboard at /admin/queues.
 * Signal handling is the caller's (see main.ts). Fails fast with the variable's name when the environment is invalid.
 */
export async function createApp(options: { logger?: boolean } = {}): Promise<NestExpressApplication> {
  const env = loadEnv();
  useOutboundPolicy(env.outboundPolicy);
  await ensureDatabase(env.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, abortOnError: false });
  if (options.logger !== false) app.useLogger(app.get(PinoLogger));
  else app.useLogger(false);
  app.use(requestIdMiddleware);
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(helmet({ contentSecurityPolicy: false }));
  // Webhooks are verified over their exact bytes as received: a raw parser (1 MB → 413 before
  // any HMAC work; a Content-Encoding other than identity → 415, never inflated) takes every
  // body under /api/v1/webhooks/ in any casing, and the JSON parser skips the read body.
  app.useBodyParser('raw', { type: (req: IncomingMessage) => isWebhookPath(req.url), limit: WEBHOOK_BODY_LIMIT_BYTES, inflate: false });
  app.useBodyParser('json', { limit: '1mb' });
  app.use(requestHygieneMiddleware);
  mountQueueDashboard(app, env);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  SwaggerModule.setup('docs', app, () => buildOpenApi(app), { jsonDocumentUrl: 'docs-json' });
  for (const name of env.usedDevDefaults) {
    new Logger('Config').warn(`${name} is not set: using the development default (never do this in production)`);
  }
  return app;
}
