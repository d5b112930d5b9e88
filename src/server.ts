import 'reflect-metadata';
import { AppConfig, ConfigError } from './config';
import { openDatabase } from './db/data-source';
import { hasPendingMigrations, isEmpty, migrate } from './db/bootstrap';
import { createApp } from './app';
import { seedDemoData } from './seed/seed';
import { ensureDemoKey } from './demo-key';
import type { Tracing } from './tracing';

/** Opens the database, serves, and on SIGTERM drains, closes and exits. */
export async function runServer(config: AppConfig, tracing: Tracing | null) {
  // With a data folder the server owns it (a second owner refuses to start) and lends it to the CLI and psql.
  const db = await openDatabase(config, undefined, {
    role: 'server',
    lend: Boolean(config.pgliteDataDir),
  });
  if (db.kind === 'pglite') {
    const applied = await migrate(db);
    if (applied.length) console.log(`Embedded database migrated: ${applied.join(', ')}`);
    if (config.demoSeedCustomers > 0 && (await isEmpty(db))) {
      console.log(
        `Seeding ${config.demoSeedCustomers} demo customers into the empty embedded database…`,
      );
      const report = await seedDemoData(db, config, {
        customers: config.demoSeedCustomers,
        currency: config.shopCurrency,
      });
      console.log(
        `Seeded ${report.customers} customers, ${report.orders} orders in ${report.seconds.toFixed(1)} s`,
      );
    }
  } else if (await hasPendingMigrations(db)) {
    await db.close();
    throw new ConfigError(
      'The PostgreSQL database has pending migrations: run `npm run migrate` first.',
    );
  }
  const demoKey =
    db.kind === 'pglite' && config.pgliteDataDir ? await ensureDemoKey(db, config) : null;
  // Background jobs run here unless JOBS_ENABLED=false (docs/jobs.md); the stored-metrics refresh is one of them.
  const { httpServer, natsStream, stop } = await createApp(config, db, {
    ideKey: demoKey,
    jobs: { work: config.jobsEnabled },
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(
              `Port ${config.port} on ${config.host} is in use: set PORT to a free one.`,
            )
          : error,
      ),
    );
    httpServer.listen(config.port, config.host, resolve);
  });
  const where = config.databaseUrl
    ? 'PostgreSQL'
    : `embedded PGlite (${config.pgliteDataDir ?? 'in memory'})`;
  const lent = db.embedded?.lending;
  if (lent)
    console.log(
      `Embedded database lent to local tools: psql -h ${lent.host} -p ${lent.port} -U postgres postgres`,
    );
  console.log(
    `Customer 360 GraphQL API on http://${config.host}:${config.port}/graphql (${where})`,
  );

  // The outbox to NATS JetStream (NATS_URL); never throws, retries while NATS is away. stop() below stops it.
  natsStream?.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests…`);
    // A hard deadline, so that a stuck request cannot keep the process from exiting.
    setTimeout(() => process.exit(1), 20_000).unref();
    await stop();
    await db.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
