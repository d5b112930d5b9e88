import path from 'node:path';
import fs from 'node:fs';
import { DataSource, DataSourceOptions, Logger } from 'typeorm';
import { types } from 'pg';
import { AppConfig } from '../config';
import { SnakeNamingStrategy } from './naming-strategy';
import { ENTITIES } from './entities';
import { ReplicatedDataSource } from './replicated-data-source';
import { SqlStatementLogger } from '../common/sql-statements';
import type { TextColumns } from '../common/personal-data';
import { DatabaseWatchdog, primaryPool } from './watchdog';

// A calendar date (birth date) stays "YYYY-MM-DD": as a JS Date it would shift with the time zone.
const DATE_OID = 1082;
types.setTypeParser(DATE_OID, (value: string) => value);

export const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}');
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/** TypeORM's own table, classified like every module's (see TextColumns). */
export const migrationTextColumns: TextColumns[] = [
  { table: MIGRATIONS_TABLE, customerKey: null, personal: {}, notPersonal: { name: 'migration class name' } },
];

/** The part of a PGlite instance we hold on to (its CJS and ESM typings differ). */
interface EmbeddedDatabase {
  closed: boolean;
  close(): Promise<void>;
}

export interface Database {
  dataSource: DataSource;
  kind: 'postgres' | 'pglite';
  /** Closes the pool and, for PGlite, the embedded instance (destroy() alone leaves it open). */
  close(): Promise<void>;
}

function commonOptions(config: AppConfig, logger: Logger) {
  return {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger,
    logging: config.logSql ? ('all' as const) : ['error' as const],
  };
}

/** The one place that chooses PostgreSQL (DATABASE_URL) or the embedded PGlite. */
export async function createDataSourceOptions(
  config: AppConfig,
  logger: Logger = new SqlStatementLogger(config.logSql),
): Promise<{ options: DataSourceOptions; pglite: EmbeddedDatabase | null }> {
  if (config.databaseUrl) {
    return {
      options: {
        ...commonOptions(config, logger),
        ...(config.databaseReplicaUrls.length
          ? { replication: { master: { url: config.databaseUrl }, slaves: config.databaseReplicaUrls.map((url) => ({ url })) } }
          : { url: config.databaseUrl }),
        poolSize: config.dbPoolSize,
        // Client-side deadlines on getting a connection and on each statement, so that a vanished or frozen database
        // answers SERVICE_UNAVAILABLE instead of hanging (statement_timeout is PostgreSQL's own and cannot fire in a
        // stopped server); keepalive finds connections whose peer has gone without a word.
        extra: {
          statement_timeout: config.dbStatementTimeoutMs, application_name: 'customer360',
          connectionTimeoutMillis: config.dbConnectTimeoutMs,
          query_timeout: config.dbQueryTimeoutMs || config.dbStatementTimeoutMs + 1000,
          keepAlive: true, keepAliveInitialDelayMillis: 10_000,
        },
      },
      pglite: null,
    };
  }
  // Loaded lazily: PGlite is 27 MB of wasm that a PostgreSQL deployment never needs.
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  if (config.pgliteDataDir) fs.mkdirSync(config.pgliteDataDir, { recursive: true });
  const pglite = new PGlite(config.pgliteDataDir ?? undefined);
  await pglite.waitReady;
  await pglite.exec(`set statement_timeout = ${config.dbStatementTimeoutMs}`);
  return {
    // An instance, not a path (STACK P11); one connection, since PGlite is a single session.
    options: { ...commonOptions(config, logger), poolSize: 1, extra: createPgConfig(pglite) },
    pglite,
  };
}

export async function openDatabase(config: AppConfig, logger?: Logger): Promise<Database> {
  const { options, pglite } = await createDataSourceOptions(config, logger);
  const dataSource = new ReplicatedDataSource(options);
  dataSource.usePreparedStatements = !pglite && config.dbPreparedStatements;
  await dataSource.initialize();
  const watchdog = pglite || !config.databaseUrl ? null : new DatabaseWatchdog(config.databaseUrl, () => primaryPool(dataSource), config.dbProbeTimeoutMs);
  watchdog?.start();
  return {
    dataSource,
    kind: pglite ? 'pglite' : 'postgres',
    async close() {
      await watchdog?.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
      if (pglite && !pglite.closed) await pglite.close();
    },
  };
}
