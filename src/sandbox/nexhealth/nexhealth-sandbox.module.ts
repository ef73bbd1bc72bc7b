import { DynamicModule, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { NexAdminController } from './admin.controller';
import { NexAppointmentsController } from './appointments.controller';
import { NexAuthController } from './auth.controller';
import { NexHealthAdminGate, NexHealthGate } from './gate.guard';
import { NexCoveragesController, NexGuarantorBalancesController } from './ledger.controller';
import { NexPatientsController } from './patients.controller';
import { NexLocationsController, NexOperatoriesController, NexProvidersController } from './reference.controller';
import { NexHealthSandbox } from './sandbox-control.service';
import { NEXHEALTH_SANDBOX_OPTIONS, NexHealthSandboxOptions } from './sandbox-options';
import { NexWebhooksController } from './webhooks.controller';

const CONTROLLERS = [
  NexAdminController, NexAuthController, NexPatientsController, NexAppointmentsController, NexProvidersController, NexOperatoriesController,
  NexLocationsController, NexCoveragesController, NexGuarantorBalancesController, NexWebhooksController,
];

/**
 * The simulated NexHealth Synchronizer API (v3.0.0) under `/sandbox/nexhealth` (README.md in
 * this folder). Mount it always and decide with `enabled` (`SANDBOX_ENABLED`): when off every
 * route answers 404. Exports {@link NexHealthSandbox} (data, limits, tokens, webhooks).
 */
@Module({})
export class NexHealthSandboxModule {
  static forRoot(options: NexHealthSandboxOptions = {}): DynamicModule {
    return NexHealthSandboxModule.build({ provide: NEXHEALTH_SANDBOX_OPTIONS, useValue: options });
  }

  /** Options from injected providers, e.g. `{ inject: [APP_ENV], useFactory: (env) => ({ enabled: env.sandboxEnabled }) }`. */
  static forRootAsync(options: { imports?: ModuleMetadata['imports']; inject?: Array<string | symbol | Function>; useFactory: (...args: never[]) => NexHealthSandboxOptions | Promise<NexHealthSandboxOptions> }): DynamicModule {
    const module = NexHealthSandboxModule.build({ provide: NEXHEALTH_SANDBOX_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory });
    return { ...module, imports: options.imports ?? [] };
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return {
      module: NexHealthSandboxModule,
      controllers: CONTROLLERS,
      providers: [optionsProvider, NexHealthSandbox, NexHealthGate, NexHealthAdminGate],
      exports: [NexHealthSandbox],
    };
  }
}
