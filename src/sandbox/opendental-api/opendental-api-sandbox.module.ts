import { DynamicModule, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { SandboxAppointmentsController } from './appointments.controller';
import { OpenDentalApiGate } from './gate.guard';
import {
  SandboxCarriersController, SandboxDocumentsController, SandboxInsPlansController, SandboxInsSubsController, SandboxPatPlansController,
} from './insurance.controller';
import { SandboxOfficeDb } from './office-db.service';
import { SandboxPatientsController } from './patients.controller';
import { SandboxOperatoriesController, SandboxProvidersController } from './reference.controller';
import { OpenDentalApiSandbox } from './sandbox-control.service';
import { OPENDENTAL_API_SANDBOX_OPTIONS, OpenDentalApiSandboxOptions } from './sandbox-options';

const CONTROLLERS = [
  SandboxPatientsController, SandboxAppointmentsController, SandboxProvidersController, SandboxOperatoriesController,
  SandboxPatPlansController, SandboxInsSubsController, SandboxInsPlansController, SandboxCarriersController, SandboxDocumentsController,
];

/**
 * The simulated OpenDental REST API under `/sandbox/opendental/api/v1` (see README.md in this
 * folder). Mount it only when `SANDBOX_ENABLED`; it exports {@link OpenDentalApiSandbox}
 * (customer registry, fault injection, request log).
 */
@Module({})
export class OpenDentalApiSandboxModule {
  static forRoot(options: OpenDentalApiSandboxOptions): DynamicModule {
    return OpenDentalApiSandboxModule.build({ provide: OPENDENTAL_API_SANDBOX_OPTIONS, useValue: options });
  }

  /** Options from injected providers, e.g. `{ inject: [APP_ENV], useFactory: (env) => ({ mysqlUrl: env.sandboxMysqlUrl, redis: env.redisUrl }) }`. */
  static forRootAsync(options: { imports?: ModuleMetadata['imports']; inject?: Array<string | symbol | Function>; useFactory: (...args: never[]) => OpenDentalApiSandboxOptions | Promise<OpenDentalApiSandboxOptions> }): DynamicModule {
    const module = OpenDentalApiSandboxModule.build({ provide: OPENDENTAL_API_SANDBOX_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory });
    return { ...module, imports: options.imports ?? [] };
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return {
      module: OpenDentalApiSandboxModule,
      controllers: CONTROLLERS,
      providers: [optionsProvider, OpenDentalApiSandbox, SandboxOfficeDb, OpenDentalApiGate],
      exports: [OpenDentalApiSandbox],
    };
  }
}
