import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config';
import { createDataSourceOptions } from './src/db/data-source';

/** The data source of the TypeORM CLI (`npm run migrate`): same choice of backend as the server;
 * beside a running embedded server it connects through the server's socket (src/db/embedded-lock.ts). */
export default createDataSourceOptions(loadConfig(), undefined, { role: 'typeorm cli' }).then(
  ({ options }) => new DataSource(options),
);
