import { Module } from '@nestjs/common';
import { OpenDentalDbAdapter } from './opendental-db.adapter';

/** OpenDental by direct MySQL: exports only its adapter. */
@Module({ providers: [OpenDentalDbAdapter], exports: [OpenDentalDbAdapter] })
export class OpenDentalDbModule {}
