import { Global, Module } from '@nestjs/common';
import { AppEnv, loadEnv } from './env';

/** Injection token for the validated {@link AppEnv}. */
export const APP_ENV = Symbol('APP_ENV');

/** Provides the validated environment to every module. Validation runs once, at import time of the app. */
@Global()
@Module({
  providers: [{ provide: APP_ENV, useFactory: (): AppEnv => loadEnv() }],
  exports: [APP_ENV],
})
export class AppConfigModule {}
