import 'reflect-metadata';
import { pruneIdempotencyKeys } from '../common/idempotency';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { hasPendingMigrations, migrate, pendingMigrations } from '../db/bootstrap';
import { collectJobs, createServices } from '../container';
import { startJobs } from '../jobs';
import { seedDemoData } from '../seed/seed';
import { MetricsChangeCause } from '../modules/metrics';
import { writeSchemaFile } from './emit-schema';
import { exportCustomers } from './export-customers';
import { runIntegrityCheck } from './check';
import { printPeriodsFit } from './fit-periods';
import { fitRecommendedModel, holdoutWeeksOption } from './fit-auto';
import {
  DAY_EXAMPLE,
  dayProblem,
  INSTANT_EXAMPLE,
  instantProblem,
  parseInstant,
} from '../common/dates';
import { ShopTime } from '../common/shop-time';

/** Days of the CLI's options are shop days (SHOP_TIME_ZONE), as in the API. */
const shopTime = () => new ShopTime(loadConfig().shopTimeZone);

/**
 * Date options are checked before anything opens the database, so a typo costs one line naming the option, the
 * format and an example (never a driver error), and nothing is half done.
 */
function dayOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = dayProblem(value);
  if (problem)
    throw new ConfigError(`--${name}: ${problem}; expected a day, YYYY-MM-DD, e.g. ${DAY_EXAMPLE}`);
  return value;
}

/** A day (as `dayMoment` turns it into a moment) or a date and time with its offset. */
function momentOption(
  name: string,
  value: string | undefined,
  dayMoment: (day: string) => Date,
): Date | undefined {
  if (value === undefined) return undefined;
  const asDay = dayProblem(value);
  if (asDay === null) return dayMoment(value);
  // What has no time part was meant as a day, and is told what is wrong with it as one.
  const problem = /[Tt ]/.test(value) ? instantProblem(value) : asDay;
  if (problem)
    throw new ConfigError(
      `--${name}: ${problem}; expected a day, YYYY-MM-DD, e.g. ${DAY_EXAMPLE}, or a date and time with its offset, e.g. ${INSTANT_EXAMPLE}`,
    );
  return parseInstant(value);
}

// The commands that load the database side (TypeORM, the services, the schema): src/cli/main.ts requires this file
// only when one of them is asked for, so that `config` and the usage print at once.

/** Opens the database; beside a running embedded server, through the server (its writes are the server's). */
async function open(config: ReturnType<typeof loadConfig>) {
  const db = await openDatabase(config, undefined, {
    role: `c360 ${process.argv[2] ?? ''}`.trim(),
  });
  const owner = db.embedded?.guestOf;
  if (owner)
    process.stderr.write(
      `Embedded database in use by ${owner.role} (pid ${owner.pid}): working through it.\n`,
    );
  return db;
}

async function withDatabase<T>(
  run: (
    db: Awaited<ReturnType<typeof openDatabase>>,
    config: ReturnType<typeof loadConfig>,
  ) => Promise<T>,
) {
  const config = loadConfig();
  const db = await open(config);
  try {
    if (db.kind === 'pglite') await migrate(db);
    else if (await hasPendingMigrations(db))
      throw new ConfigError('Pending migrations: run `npm run migrate` first.');
    return await run(db, config);
  } finally {
    await db.close();
  }
}

/** Applies pending migrations, one line for each, or says there is none. */
async function migrateWithReport(db: Awaited<ReturnType<typeof openDatabase>>) {
  const pending = await pendingMigrations(db);
  if (pending.length === 0) {
    console.log('No pending migrations: the database is up to date.');
    return;
  }
  let applied: string[];
  try {
    applied = await migrate(db);
  } catch (error) {
    // Each migration commits on its own: tell which ones did before the one that failed.
    const left = new Set(await pendingMigrations(db).catch(() => pending));
    for (const name of pending.filter((n) => !left.has(n))) console.log(`applied ${name}`);
    console.error(
      `failed ${pending.find((n) => left.has(n)) ?? '(unknown)'}; it and the ones after it were not applied`,
    );
    throw error;
  }
  for (const name of applied) console.log(`applied ${name}`);
  console.log(`${applied.length} migration${applied.length === 1 ? '' : 's'} applied.`);
}

/**
 * The database commands by name; `main.ts` prints the usage and runs `config` without loading this file. Each
 * takes its own arguments (after the command name) and checks them before it opens the database.
 */
const COMMANDS: Record<string, (rest: string[]) => Promise<void>> = {
  migrate: async () => {
    const config = loadConfig();
    const db = await open(config);
    try {
      await migrateWithReport(db);
    } finally {
      await db.close();
    }
  },
  seed: async (rest) => {
    const { values } = parseArgs({
      args: rest,
      options: {
        customers: { type: 'string' },
        'as-of': { type: 'string' },
        seed: { type: 'string' },
      },
    });
    const customers = Number(values.customers);
    if (!Number.isInteger(customers) || customers < 1)
      throw new ConfigError('--customers must be a positive whole number');
    const asOfDay = dayOption('as-of', values['as-of']);
    const asOf = asOfDay ? shopTime().startOfDay(asOfDay) : undefined;
    await withDatabase(async (db, config) => {
      const report = await seedDemoData(db, config, {
        customers,
        currency: config.shopCurrency,
        asOf,
        seed: values.seed ? Number(values.seed) : undefined,
        onProgress: (done) => process.stderr.write(`\r${done} / ${customers} customers`),
      });
      process.stderr.write('\n');
      console.log(JSON.stringify(report));
    });
  },
  'import-orders': async (rest) => {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { format: { type: 'string' }, source: { type: 'string' } },
    });
    const [file] = positionals;
    if (!file || !fs.existsSync(file))
      throw new ConfigError(`No such file: ${file ?? '(none given)'}`);
    if (values.format !== 'cdnow' && values.format !== 'csv')
      throw new ConfigError('--format must be cdnow or csv');
    const format = values.format;
    await withDatabase(async (db, config) => {
      const services = createServices(config, db.dataSource);
      const report = await services.orderImport.importFile(file, {
        format,
        source: values.source ?? (format === 'cdnow' ? 'cdnow' : 'import'),
        onProgress: (r) =>
          process.stderr.write(
            `\r${r.rows} rows, ${r.created} new orders, ${r.rejected.length} rejected`,
          ),
      });
      process.stderr.write('\n');
      for (const rejection of report.rejected)
        console.error(`line ${rejection.line}: ${rejection.message}`);
      console.log(JSON.stringify({ ...report, rejected: report.rejected.length }));
    });
  },
  'fit-models': async (rest) => {
    const { values } = parseArgs({
      args: rest,
      options: {
        'as-of': { type: 'string' },
        'time-unit': { type: 'string' },
        model: { type: 'string', default: 'bg-nbd' },
        periods: { type: 'string' },
        'holdout-weeks': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (values.model === 'bg-bb' || values.periods !== undefined) return printPeriodsFit(values);
    const auto = values.model === 'auto';
    if (!auto && values['holdout-weeks'] !== undefined)
      throw new ConfigError('--holdout-weeks goes with --model auto');
    const holdoutWeeks = holdoutWeeksOption(values['holdout-weeks']);
    const models = {
      'bg-nbd': 'BG_NBD',
      'mbg-nbd': 'MBG_NBD',
      'pareto-nbd': 'PARETO_NBD',
    } as const;
    const chosen = Object.hasOwn(models, values.model)
      ? models[values.model as keyof typeof models]
      : undefined;
    if (!chosen && !auto)
      throw new ConfigError('--model must be bg-nbd, mbg-nbd, pareto-nbd, bg-bb or auto');
    const unit = values['time-unit'] ?? 'week';
    if (unit !== 'week' && unit !== 'day') throw new ConfigError('--time-unit must be week or day');
    const asOf = dayOption('as-of', values['as-of']);
    if (!asOf) throw new ConfigError(`--as-of YYYY-MM-DD is required, e.g. --as-of ${DAY_EXAMPLE}`);
    await withDatabase(async (db, config) => {
      const services = createServices(config, db.dataSource);
      // auto: backtest every purchase model on the holdoutWeeks before asOf, then fit the recommended one.
      const chosenBy = auto ? await fitRecommendedModel(services, asOf, holdoutWeeks, unit) : null;
      const fit = chosenBy?.fit ?? (await services.modelFits.fit(asOf, unit, chosen));
      const model = fit.purchaseModel;
      const {
        iterations: _iterations,
        converged: _converged,
        ...params
      } = fit.purchaseParams as Record<string, number>;
      const summary = {
        [({ BG_NBD: 'bgnbd', MBG_NBD: 'mbgNbd', PARETO_NBD: 'paretoNbd' } as const)[model]]: params,
        gammaGamma: fit.gammaGamma && {
          p: fit.gammaGamma.p,
          q: fit.gammaGamma.q,
          gamma: fit.gammaGamma.gamma,
        },
        customers: fit.customers,
        asOf: fit.asOf,
        timeUnit: fit.timeUnit,
        ...(chosenBy && { purchaseModel: model, backtest: chosenBy.backtest }),
      };
      if (values.json) console.log(JSON.stringify(summary));
      else
        console.log(
          `Fit ${fit.id} on ${fit.customers} customers (${fit.repeatCustomers} repeat) in ${fit.durationMs} ms:\n${JSON.stringify(summary, null, 2)}`,
        );
    });
  },
  apikey: async (rest) => {
    const [action, ...options] = rest;
    const { values, positionals } = parseArgs({
      args: options,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        expires: { type: 'string' },
        'trusted-documents-only': { type: 'boolean', default: false },
        'grace-hours': { type: 'string', default: '24' },
      },
    });
    // A key that expires on a day works through it.
    const expires =
      momentOption('expires', values.expires, (day) => shopTime().endOfDay(day)) ?? null;
    if (expires && expires.getTime() <= Date.now())
      throw new ConfigError(
        `--expires: ${values.expires} is already past; give a later day or time`,
      );
    await withDatabase(async (db, config) => {
      const keys = createServices(config, db.dataSource).apiKeys;
      if (action === 'create') {
        const { key, record } = await keys.create(
          values.name ?? '',
          (values.scopes ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          expires,
          { trustedDocumentsOnly: values['trusted-documents-only'] },
        );
        console.log(
          `Key ${record.id} (${record.scopes.join(', ')}). Store it now, it is not shown again:\n${key}`,
        );
      } else if (action === 'list') {
        for (const k of await keys.list()) {
          console.log(
            [
              k.id,
              k.name,
              k.scopes.join(','),
              k.revokedAt
                ? `revoked ${k.revokedAt.toISOString()}`
                : k.expiresAt
                  ? `expires ${k.expiresAt.toISOString()}`
                  : 'active',
              `last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
            ].join('\t'),
          );
        }
      } else if (action === 'revoke') {
        console.log(`Revoked ${(await keys.revoke(positionals[0] ?? '')).id}`);
      } else if (action === 'rotate') {
        const { key, record } = await keys.rotate(
          positionals[0] ?? '',
          Number(values['grace-hours']),
        );
        console.log(
          `New key ${record.id}; the old one works for ${values['grace-hours']} more hours. Store it now:\n${key}`,
        );
      } else throw new ConfigError('apikey takes create, list, revoke or rotate');
    });
  },
  loyalty: async (rest) => {
    const [action, ...options] = rest;
    const { values } = parseArgs({ args: options, options: { until: { type: 'string' } } });
    const until = dayOption('until', values.until);
    await withDatabase(async (db, config) => {
      const earning = createServices(config, db.dataSource).loyaltyEarning;
      if (action === 'replay')
        console.log(
          JSON.stringify(
            await earning.replay((orders) => process.stderr.write(`\r${orders} orders`)),
          ),
        );
      else if (action === 'expire') {
        console.log(
          JSON.stringify(
            await earning.expireUntil(
              until ? new Date(shopTime().endOfDay(until).getTime() - 1) : new Date(),
            ),
          ),
        );
      } else if (action === 'birthdays') {
        const services = createServices(config, db.dataSource);
        const shop = shopTime();
        const on = until ? shop.startOfDay(until) : new Date();
        const granted = await services.loyaltyEarning.grantBirthdayBonuses(
          await services.customers.idsWithBirthday(shop.dayOf(on)),
          on,
        );
        console.log(JSON.stringify({ on: shop.dayOf(on), granted }));
      } else if (action === 'evaluate-tiers') {
        const services = createServices(config, db.dataSource);
        await db.dataSource.transaction((manager) =>
          services.loyaltyPrograms.evaluateAll(manager, new Date()),
        );
        console.log('Tiers evaluated for the whole base.');
      } else if (action === 'check') {
        const report = await earning.check();
        console.log(
          JSON.stringify({
            customers: report.customers,
            negativeBalances: report.negativeBalances.length,
            overdrawnLedgers: report.overdrawnLedgers.length,
          }),
        );
        if (report.negativeBalances.length || report.overdrawnLedgers.length) process.exitCode = 3;
      } else
        throw new ConfigError('loyalty takes replay, expire, birthdays, evaluate-tiers or check');
    });
  },
  'mine-associations': async (rest) => {
    const { values } = parseArgs({
      args: rest,
      options: {
        'window-days': { type: 'string', default: '180' },
        'min-support': { type: 'string', default: '0.001' },
      },
    });
    await withDatabase(async (db, config) => {
      const started = Date.now();
      const report = await createServices(config, db.dataSource).actions.mineAssociations(
        Number(values['window-days']),
        Number(values['min-support']),
      );
      console.log(JSON.stringify({ ...report, ms: Date.now() - started }));
    });
  },
  export: async (rest) => {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'ndjson' },
        'updated-since': { type: 'string' },
      },
    });
    if (positionals[0] !== 'customers') throw new ConfigError('export takes: customers');
    if (values.format !== 'ndjson' && values.format !== 'csv')
      throw new ConfigError('--format must be ndjson or csv');
    const since =
      momentOption('updated-since', values['updated-since'], (day) => shopTime().startOfDay(day)) ??
      null;
    const format = values.format;
    await withDatabase(async (db, config) => {
      const count = await exportCustomers(
        createServices(config, db.dataSource),
        config.shopCurrency,
        format,
        since,
        process.stdout,
      );
      process.stderr.write(`${count} customers exported\n`);
    });
  },
  'refresh-metrics': async () => {
    await withDatabase(async (db, config) => {
      const report = await createServices(config, db.dataSource).metricsStore.refreshAll(
        MetricsChangeCause.MANUAL_REFRESH,
        (done) => process.stderr.write(`\r${done} customers`),
      );
      process.stderr.write('\n');
      console.log(JSON.stringify(report));
    });
  },
  check: async () => {
    await withDatabase(async (db, config) => {
      const report = await runIntegrityCheck(db, config);
      console.log(JSON.stringify(report, null, 2));
      if (!report.indexes.checked)
        process.stderr.write('Indexes not checked: the amcheck extension is not available.\n');
      if (report.damaged) process.exitCode = 3;
    });
  },
  'prune-idempotency-keys': async () => {
    await withDatabase(async (db) => {
      console.log(`${await pruneIdempotencyKeys(db.dataSource.manager)} idempotency keys deleted`);
    });
  },
  jobs: async (rest) => {
    const [action, name] = rest;
    if (action !== undefined && action !== 'run')
      throw new ConfigError('jobs takes no argument (list) or: run <name>');
    if (action === 'run' && !name) throw new ConfigError('jobs run takes a job name');
    await withDatabase(async (db, config) => {
      const services = createServices(config, db.dataSource);
      // Started for this command only: no schedules, no poll loop; `run` runs the job here.
      const runner = await startJobs(config, db, services, collectJobs(config, services), {
        work: false,
      });
      try {
        if (action === 'run') {
          const outcome = await runner!.runNow(name);
          if (!outcome) throw new ConfigError(`${name} is running in another process now`);
          console.log(JSON.stringify(outcome));
          if (!outcome.ok) process.exitCode = 1;
          return;
        }
        for (const job of await services.jobsAdmin.list(1)) {
          const when = job.scheduled
            ? job.cron
              ? `${job.cron} ${job.timeZone}`
              : 'off'
            : 'enqueued';
          const last = job.lastRun
            ? `${job.lastRun.status} ${(job.lastRun.finishedAt ?? job.lastRun.startedAt ?? job.lastRun.queuedAt).toISOString()}${job.lastRun.error ? ` (${job.lastRun.error})` : ''}`
            : 'never run';
          console.log(
            `${job.name.padEnd(24)} ${when.padEnd(22)} next ${job.nextRunAt?.toISOString() ?? '-'}  last ${last}`,
          );
        }
      } finally {
        await runner?.stop();
      }
    });
  },
  'emit-schema': async () => {
    console.log(`Wrote ${await writeSchemaFile()}`);
  },
};

/** Runs one database command; false when there is no such command. */
export async function runCommand(command: string, rest: string[]): Promise<boolean> {
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) return false;
  await run(rest);
  return true;
}
