import 'reflect-metadata';
import { parseArgs } from 'node:util';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/data-source';
import { hasPendingMigrations, migrate } from '../src/db/bootstrap';
import { createApp } from '../src/app';
import { seedDemoData } from '../src/seed/seed';
import { SqlStatementLogger } from '../src/common/sql-statements';
import { CUSTOMER_PAGE_QUERY } from './customer-page-query';
import { createServices } from '../src/container';
import { MetricsChangeCause } from '../src/modules/metrics';
import { benchClv } from './clv';
import { benchIntervals } from './intervals';
import { benchApi, startScriptNodeFlags } from './api';
import { benchIde } from './ide';
import { benchValidation } from './validation';
import { benchEvents } from './events';

/**
 * `npm run bench -- customer-page [--customers 100000] [--runs 200]`: seeds the database once (reused when it
 * already holds enough customers), then times the 50-customer page query through HTTP and counts its statements.
 */
async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'clv') {
    const { values } = parseArgs({
      args: rest,
      options: {
        sizes: { type: 'string', default: '100000,1000000' },
        reps: { type: 'string', default: '5,3' },
        customers: { type: 'string', default: '100000' },
      },
    });
    benchClv(values.sizes.split(',').map(Number), values.reps.split(',').map(Number));
    await benchRefresh(Number(values.customers));
    return;
  }
  if (command === 'intervals') {
    benchIntervals();
    return;
  }
  if (command === 'validation') {
    const { values } = parseArgs({
      args: rest,
      options: {
        runs: { type: 'string', default: '50' },
        random: { type: 'string', default: '2000' },
      },
    });
    await benchValidation(Number(values.runs), Number(values.random));
    return;
  }
  if (command === 'api') {
    const { values } = parseArgs({
      args: rest,
      options: {
        customers: { type: 'string', default: '100000' },
        seconds: { type: 'string', default: '15' },
        rounds: { type: 'string', default: '6' },
        warmup: { type: 'string', default: '5' },
        connections: { type: 'string', default: '10' },
        only: { type: 'string' },
        'server-node-options': { type: 'string' },
      },
    });
    await benchApi(loadConfig(), {
      customers: Number(values.customers),
      seconds: Number(values.seconds),
      rounds: Number(values.rounds),
      warmupSeconds: Number(values.warmup),
      connections: Number(values.connections),
      only: values.only ?? null,
      serverNodeOptions: values['server-node-options'] ?? startScriptNodeFlags(),
    });
    return;
  }
  if (command === 'ide') {
    const { values } = parseArgs({
      args: rest,
      options: {
        concurrency: { type: 'string', default: '200' },
        rounds: { type: 'string', default: '5' },
      },
    });
    await benchIde({ concurrency: Number(values.concurrency), rounds: Number(values.rounds) });
    return;
  }
  if (command === 'events') {
    const { values } = parseArgs({
      args: rest,
      options: {
        rate: { type: 'string', default: '100' },
        seconds: { type: 'string', default: '60' },
        customers: { type: 'string', default: '200' },
      },
    });
    const ok = await benchEvents(loadConfig(), {
      rate: Number(values.rate),
      seconds: Number(values.seconds),
      customers: Number(values.customers),
    });
    process.exit(ok ? 0 : 1);
  }
  if (command !== 'customer-page')
    throw new Error(
      'usage: npm run bench -- api [--customers 100000] [--seconds 15] [--rounds 6] [--warmup 5] [--connections 10] [--only NAME] | customer-page [--customers N] [--runs N] | clv [--sizes 100000,1000000] [--reps 5,3] | events [--rate 100] [--seconds 60] [--customers 200] | ide [--concurrency 200] [--rounds 5] | validation [--runs 50] [--random 2000]',
    );
  const { values } = parseArgs({
    args: rest,
    options: {
      customers: { type: 'string', default: '100000' },
      runs: { type: 'string', default: '200' },
    },
  });
  const config = loadConfig();
  const db = await openDatabase(config);
  if (db.kind === 'pglite') await migrate(db);
  else if (await hasPendingMigrations(db)) await migrate(db);
  const [{ count }] = await db.dataSource.query('select count(*)::int as count from customers');
  const wanted = Number(values.customers);
  if (count < wanted) {
    console.log(`seeding ${wanted - count} customers on ${db.kind}…`);
    const report = await seedDemoData(db, config, {
      customers: wanted - count,
      currency: config.shopCurrency,
    });
    console.log(
      `seed: ${report.customers} customers, ${report.orders} orders, ${report.rows} rows in ${report.seconds.toFixed(1)} s`,
    );
  }
  const [sizes] = await db.dataSource
    .query(`select (select count(*) from customers)::int as customers, (select count(*) from orders)::int as orders,
    (select count(*) from order_lines)::int as lines, (select count(*) from communications)::int as communications`);
  console.log(`data: ${JSON.stringify(sizes)}`);
  const { app, stop, services } = await createApp(config, db);
  const { key } = await services.apiKeys.create(
    'benchmark',
    ['admin'],
    new Date(Date.now() + 3_600_000),
  );
  const runs = Number(values.runs);
  const timings: number[] = [];
  let statements = 0;
  for (let i = 0; i < runs + 10; i++) {
    const before = SqlStatementLogger.count;
    const started = process.hrtime.bigint();
    const res = await request(app)
      .post('/graphql')
      .set('authorization', `Bearer ${key}`)
      .send({ query: CUSTOMER_PAGE_QUERY, variables: { first: 50 } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    if (i >= 10) timings.push(ms);
    statements = SqlStatementLogger.count - before;
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) =>
    timings[Math.min(timings.length - 1, Math.floor(q * timings.length))].toFixed(1);
  console.log(
    `customer page (50 customers, every nested field): runs=${runs} p50=${at(0.5)} ms p95=${at(0.95)} ms max=${at(1)} ms statements=${statements}`,
  );
  await stop();
  await db.close();
}

/** With DATABASE_URL: fit on the seeded base and refresh every customer's stored metrics. */
async function benchRefresh(customers: number) {
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.log('refresh-metrics: skipped (set DATABASE_URL to measure it on PostgreSQL)');
    return;
  }
  const db = await openDatabase(config);
  if (await hasPendingMigrations(db)) await migrate(db);
  const [{ count }] = await db.dataSource.query('select count(*)::int as count from customers');
  if (count < customers)
    await seedDemoData(db, config, { customers: customers - count, currency: config.shopCurrency });
  const services = createServices(config, db.dataSource);
  const [{ orders }] = await db.dataSource.query('select count(*)::int as orders from orders');
  const fitStarted = process.hrtime.bigint();
  const fit = await services.modelFits.fit(new Date().toISOString().slice(0, 10), 'week');
  const fitSeconds = Number(process.hrtime.bigint() - fitStarted) / 1e9;
  const refresh = await services.metricsStore.refreshAll(MetricsChangeCause.MANUAL_REFRESH);
  console.log(
    `PostgreSQL, ${fit.customers} customers with purchases, ${orders} orders: fit-models ${fitSeconds.toFixed(2)} s (SQL summary + BG/NBD + Gamma-Gamma), ` +
      `refresh-metrics ${refresh.customers} customers ${refresh.seconds.toFixed(2)} s (${refresh.changes} changed)`,
  );
  // cohortValue's forecast over every cohort of the seed (its two years of first purchases).
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 3 * 365 * 86_400_000).toISOString().slice(0, 10);
  const cohortStarted = process.hrtime.bigint();
  const cohorts = await services.cohortValue.cohortValue(from, today, 36, today, now);
  const matrixSeconds = Number(process.hrtime.bigint() - cohortStarted) / 1e9;
  const forecasts = cohorts.length ? await cohorts[0].forecasts() : null;
  const cohortSeconds = Number(process.hrtime.bigint() - cohortStarted) / 1e9;
  console.log(
    `cohortValue over ${cohorts.length} cohorts: spend matrix ${matrixSeconds.toFixed(2)} s, with the 12-month forecast ` +
      `(${forecasts?.size ?? 0} cohorts) ${cohortSeconds.toFixed(2)} s`,
  );
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
