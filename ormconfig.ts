import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config';
import { createDataSourceOptions } from './src/db/data-source';

/** The data source of the TypeORM CLI (`npm run migrate`): same choice of backend as the server. */
export default createDataSourceOptions(loadConfig()).then(({ options }) => new DataSource(options));
