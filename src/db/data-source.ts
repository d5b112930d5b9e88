import path from 'node:path';
import { DataSource, DataSourceOptions, Logger } from 'typeorm';
import { types } from 'pg';
import { AppConfig, ConfigError } from '../config';
import { SnakeNamingStrategy } from './naming-strategy';
import { ENTITIES } from './entities';
import { ReplicatedDataSource } from './replicated-data-source';
import { SqlStatementLogger } from '../common/sql-statements';
import type { TextColumns } from '../common/personal-data';
import {
  EmbeddedDatabaseBusyError,
  EmbeddedLock,
  EmbeddedOwner,
  lockEmbeddedDatabase,
} from './embedded-lock';
import { lendDatabase, Lender } from './embedded-lender';
import { DatabaseWatchdog, primaryPool } from './watchdog';

// A calendar date (birth date) stays "YYYY-MM-DD": as a JS Date it would shift with the time zone.
const DATE_OID = 1082;
types.setTypeParser(DATE_OID, (value: string) => value);

export const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}');
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/** TypeORM's own table, classified like every module's (see TextColumns). */
export const migrationTextColumns: TextColumns[] = [
  {
    table: MIGRATIONS_TABLE,
    customerKey: null,
    personal: {},
    notPersonal: { name: 'migration class name' },
  },
];

/** The part of a PGlite instance we hold on to (its CJS and ESM typings differ). */
interface EmbeddedDatabase {
  closed: boolean;
  close(): Promise<void>;
}

export interface Database {
  dataSource: DataSource;
  kind: 'postgres' | 'pglite';
  /** The embedded database's folder access; null for PostgreSQL and an in-memory PGlite. */
  embedded: EmbeddedAccess | null;
  /** Closes the pool and, for PGlite, the lender, the instance (destroy() alone leaves it open) and the lock. */
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

/** How a process opens the embedded database when it has a data folder (see embedded-lock.ts). */
export interface OpenOptions {
  /** Recorded in the lock, for the message another process shows: `server` or the CLI command. */
  role?: string;
  /** The server: own the folder and lend it to local tools; refuse when another process owns it. */
  lend?: boolean;
}

/** Where an embedded database is: owned and lent by this process, or reached through its owner. */
export interface EmbeddedAccess {
  lending: EmbeddedOwner['lending'];
  guestOf: EmbeddedOwner | null;
}

interface ChosenOptions {
  options: DataSourceOptions;
  kind: Database['kind'];
  embedded: EmbeddedAccess | null;
  /** Closes what the options stand on: the lender, the PGlite instance, the lock. */
  release: () => Promise<void>;
}

/** pg connecting to the owner's lent socket (or loopback port); PGlite takes any user and password. */
function lentConnection(
  config: AppConfig,
  logger: Logger,
  address: NonNullable<EmbeddedOwner['lending']>,
): DataSourceOptions {
  return {
    ...commonOptions(config, logger),
    host: address.host,
    port: address.port,
    username: 'postgres',
    database: 'postgres',
    // One connection: the lent database is one session, so more would only queue (and would deadlock as in P13).
    poolSize: 1,
    extra: { application_name: 'customer360', connectionTimeoutMillis: 5000 },
  };
}

/** The one place that chooses PostgreSQL (DATABASE_URL) or the embedded PGlite. */
export async function createDataSourceOptions(
  config: AppConfig,
  logger: Logger = new SqlStatementLogger(config.logSql),
  open: OpenOptions = {},
): Promise<ChosenOptions> {
  if (config.databaseUrl) {
    return {
      options: {
        ...commonOptions(config, logger),
        ...(config.databaseReplicaUrls.length
          ? {
              replication: {
                master: { url: config.databaseUrl },
                slaves: config.databaseReplicaUrls.map((url) => ({ url })),
              },
            }
          : { url: config.databaseUrl }),
        poolSize: config.dbPoolSize,
        // Client-side deadlines on getting a connection and on each statement, so that a vanished or frozen database
        // answers SERVICE_UNAVAILABLE instead of hanging (statement_timeout is PostgreSQL's own and cannot fire in a
        // stopped server); keepalive finds connections whose peer has gone without a word.
        extra: {
          statement_timeout: config.dbStatementTimeoutMs,
          application_name: 'customer360',
          connectionTimeoutMillis: config.dbConnectTimeoutMs,
          query_timeout: config.dbQueryTimeoutMs || config.dbStatementTimeoutMs + 1000,
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
        },
      },
      kind: 'postgres',
      embedded: null,
      release: async () => {},
    };
  }
  const dataDir = config.pgliteDataDir;
  let lock: EmbeddedLock | null = null;
  if (dataDir) {
    try {
      lock = await lockEmbeddedDatabase(dataDir, open.role ?? 'c360');
    } catch (error) {
      // Another process owns the folder: a tool becomes its guest when it lends; a second server never does.
      if (!(error instanceof EmbeddedDatabaseBusyError) || open.lend || !error.owner?.lending)
        throw error;
      return {
        options: lentConnection(config, logger, error.owner.lending),
        kind: 'pglite',
        embedded: { lending: null, guestOf: error.owner },
        release: async () => {},
      };
    }
  }
  let pglite: EmbeddedDatabase | null = null;
  let lender: Lender | null = null;
  const release = async () => {
    await lender?.stop();
    if (pglite && !pglite.closed) await pglite.close();
    await lock?.release();
  };
  try {
    // Loaded lazily: PGlite is 27 MB of wasm that a PostgreSQL deployment never needs.
    const { PGlite } = await import('@electric-sql/pglite');
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    // amcheck for `c360 check` (index against table); a contrib module shipped inside pglite.
    const { amcheck } = await import('@electric-sql/pglite/contrib/amcheck');
    // The options object form: `new PGlite(undefined, options)` drops the options.
    const instance = new PGlite({ dataDir: dataDir ?? undefined, extensions: { amcheck } });
    pglite = instance;
    await instance.waitReady;
    await instance.exec(`set statement_timeout = ${config.dbStatementTimeoutMs}`);
    if (lock && open.lend) {
      lender = await lendDatabase(instance as never, dataDir!);
      lock.announce(lender.address);
      return {
        options: lentConnection(config, logger, lender.address),
        kind: 'pglite',
        embedded: { lending: lender.address, guestOf: null },
        release,
      };
    }
    // An instance, not a path (STACK P11); one connection, since PGlite is a single session.
    return {
      options: { ...commonOptions(config, logger), poolSize: 1, extra: createPgConfig(instance) },
      kind: 'pglite',
      embedded: dataDir ? { lending: null, guestOf: null } : null,
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * SHOP_TIME_ZONE must name a zone of the open database too (PostgreSQL's tzdata, or PGlite's), since the calendar
 * rules run in SQL as well as in JavaScript; config.ts has already checked that Node knows it.
 */
async function checkShopTimeZone(dataSource: DataSource, zone: string): Promise<void> {
  const [row]: { known: boolean }[] = await dataSource.query(
    'select exists (select 1 from pg_timezone_names where name = $1) as known',
    [zone],
  );
  if (!row?.known) {
    throw new ConfigError(
      `Invalid configuration:\n  - SHOP_TIME_ZONE=${JSON.stringify(zone)}: the database does not know this time zone (pg_timezone_names)`,
    );
  }
}

export async function openDatabase(
  config: AppConfig,
  logger?: Logger,
  open?: OpenOptions,
): Promise<Database> {
  const { options, kind, embedded, release } = await createDataSourceOptions(config, logger, open);
  const dataSource = new ReplicatedDataSource(options);
  dataSource.usePreparedStatements = kind === 'postgres' && config.dbPreparedStatements;
  try {
    await dataSource.initialize();
    await checkShopTimeZone(dataSource, config.shopTimeZone);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await release();
    throw error;
  }
  const watchdog =
    kind !== 'postgres' || !config.databaseUrl
      ? null
      : new DatabaseWatchdog(
          config.databaseUrl,
          () => primaryPool(dataSource),
          config.dbProbeTimeoutMs,
        );
  watchdog?.start();
  return {
    dataSource,
    kind,
    embedded,
    async close() {
      await watchdog?.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
      await release();
    },
  };
}
