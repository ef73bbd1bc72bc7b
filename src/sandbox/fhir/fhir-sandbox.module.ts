import { DynamicModule, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { FhirBulkController } from './fhir-bulk.controller';
import { FhirWritesController } from './fhir-writes.controller';
import { FhirSandboxController } from './fhir.controller';
import { FhirSandbox } from './fhir-sandbox.service';
import { FHIR_SANDBOX_OPTIONS, FhirSandboxOptions } from './sandbox-options';

/**
 * The simulated FHIR R4 servers under `/sandbox/fhir/{vendor}/{tenant}` (docs/vendors/fhir-r4.md).
 * Mount always and decide with `enabled` (`SANDBOX_ENABLED`): when off every route answers 404.
 * Exports {@link FhirSandbox} (data, clients, tokens, faults).
 */
@Module({})
export class FhirSandboxModule {
  static forRoot(options: FhirSandboxOptions = {}): DynamicModule {
    return FhirSandboxModule.build({ provide: FHIR_SANDBOX_OPTIONS, useValue: options });
  }

  /** Options from injected providers, e.g. `{ inject: [APP_ENV], useFactory: (env) => ({ enabled: env.sandboxEnabled }) }`. */
  static forRootAsync(options: { imports?: ModuleMetadata['imports']; inject?: Array<string | symbol | Function>; useFactory: (...args: never[]) => FhirSandboxOptions | Promise<FhirSandboxOptions> }): DynamicModule {
    const module = FhirSandboxModule.build({ provide: FHIR_SANDBOX_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory });
    return { ...module, imports: options.imports ?? [] };
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return { module: FhirSandboxModule, controllers: [FhirSandboxController, FhirBulkController, FhirWritesController], providers: [optionsProvider, FhirSandbox], exports: [FhirSandbox] };
  }
}
