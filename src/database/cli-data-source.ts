import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv } from '../config/env';
import { dataSourceOptions } from './data-source';

/** The data source the TypeORM CLI uses (`npm run migration:generate -- migrations/<Name>`). */
export default new DataSource(dataSourceOptions(loadEnv().databaseUrl));
