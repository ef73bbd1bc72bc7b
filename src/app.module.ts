import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigModule } from './config/config.module';
import { loadEnv } from './config/env';
import { DatabaseModule } from './database/database.module';
import { logRedactPaths } from './common/logging';
import { ActionsModule } from './modules/actions/actions.module';
import { AuditModule } from './modules/audit/audit.module';
import { FhirModule } from './modules/fhir/fhir.module';
import { HealthModule } from './modules/health/health.module';
import { IntegrationsModule } from './modules/integrations/integrations.module';
import { OperationsModule } from './modules/operations/operations.module';
import { OrganizationsModule } from './modules/organizations/organizations.module';
import { PersonsModule } from './modules/persons/persons.module';
import { RecordsModule } from './modules/records/records.module';
import { SyncJobsModule } from './modules/sync-jobs/sync-jobs.module';
import { TransformationsModule } from './modules/transformations/transformations.module';
import { ConflictsModule } from './modules/conflicts/conflicts.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { ProvidersModule } from './providers/providers.module';
import { QueueModule } from './queue/queue.module';
import { APP_ENV } from './config/config.module';
import type { AppEnv } from './config/env';
import { OpenDentalApiSandboxModule } from './sandbox/opendental-api';
import { NexHealthSandboxModule } from './sandbox/nexhealth';
import { FhirSandboxModule } from './sandbox/fhir';

/** The modular monolith: config, database, queue, vendor adapters and the core modules. */
@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      useFactory: () => {
        const env = loadEnv();
        return {
          // The webhook receiver has no access log: an accepted delivery is a stored row (its
          // deliveries API), a rejection is logged by the receiver, a failure by the exception
          // filter. At vendor burst rates the access line cost more than the rest of the request.
          exclude: [{ method: RequestMethod.POST, path: 'api/v1/webhooks/*path' }],
          pinoHttp: {
            level: env.logLevel,
            genReqId: (req) => (req as unknown as { id: string }).id,
            redact: { paths: logRedactPaths, censor: '[redacted]' },
            // Query strings can carry PHI (names, birth dates): log the path only.
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          },
        };
      },
    }),
    DatabaseModule,
    QueueModule,
    ProvidersModule,
    OperationsModule,
    OrganizationsModule,
    AuditModule,
    IntegrationsModule,
    SyncJobsModule,
    RecordsModule,
    PersonsModule,
    TransformationsModule,
    ConflictsModule,
    FhirModule,
    ActionsModule,
    WebhooksModule,
    HealthModule,
    // Simulated vendor back ends (SANDBOX_ENABLED; every sandbox route answers 404 when off).
    OpenDentalApiSandboxModule.forRootAsync({
      inject: [APP_ENV],
      useFactory: (env: AppEnv) => ({ enabled: env.sandboxEnabled, mysqlUrl: env.sandboxMysqlUrl, redis: env.redisUrl }),
    }),
    NexHealthSandboxModule.forRootAsync({ inject: [APP_ENV], useFactory: (env: AppEnv) => ({ enabled: env.sandboxEnabled }) }),
    FhirSandboxModule.forRootAsync({ inject: [APP_ENV], useFactory: (env: AppEnv) => ({ enabled: env.sandboxEnabled }) }),
  ],
})
export class AppModule {}
