import { CONFIG_VARIABLES, ConfigError } from '../config';
import { safeError } from '../common/logger';

const USAGE = `Usage: npm run c360 -- <command> [options]

Commands:
  migrate                                   apply pending migrations (PostgreSQL or the embedded database)
  seed --customers N [--as-of YYYY-MM-DD] [--seed S]
                                            add N deterministic demo customers with their history
  import-orders <file> --format cdnow|csv [--source NAME]
                                            load a purchase log; bad rows are reported by line number
  fit-models --as-of YYYY-MM-DD [--time-unit week|day] [--model bg-nbd|mbg-nbd|pareto-nbd] [--json]
                                            fit BG/NBD and Gamma-Gamma on purchases up to that day and store the fit
  fit-models --model auto --as-of YYYY-MM-DD [--holdout-weeks N] [--time-unit week|day] [--json]
                                            backtest the three purchase models on the N weeks (1-104, default 39)
                                            before that day, then fit the lowest-error one up to it
  fit-models --model bg-bb --periods <file> [--time-unit period] [--json]
                                            fit BG/BB from a period file and print it (no database needed):
                                            frequency,recency,periods[,weights] or customer,period,purchased (0/1)
  apikey create --name N --scopes a,b [--expires YYYY-MM-DD|DATETIME] [--trusted-documents-only]
                                            print a new key once; a day: it works through that (shop) day
  apikey list | revoke <id> | rotate <id> [--grace-hours 24]
  loyalty replay                            earn for every past order that has not earned yet (idempotent)
  loyalty expire [--until YYYY-MM-DD]       write expiry entries for points expired by then, oldest first (idempotent)
  loyalty birthdays [--until YYYY-MM-DD]    birthday bonus points for customers born on that day, once a year
  loyalty evaluate-tiers                    re-evaluate every customer's tier, recording each change
  loyalty check                             prove every balance equals its ledger and none is negative
  mine-associations [--window-days 180] [--min-support 0.001]
                                            mine complementary-product rules from order lines
  export customers --format ndjson|csv [--updated-since YYYY-MM-DD|DATETIME]
                                            stream every customer with summary and metrics to stdout
  refresh-metrics                           recompute every customer's stored metrics from the current fit
  check                                     integrity: indexes against tables (amcheck), foreign keys, order roll-ups,
                                            loyalty ledger; exits 3 on damage
  prune-idempotency-keys                    delete idempotency keys older than their 24-hour retention (run daily)
  jobs                                      the background jobs: schedule, next run, last run (docs/jobs.md)
  jobs run <name>                           run one job now in this process (after any run of it already queued)
  emit-schema                               write schema.graphql from the code
  config                                    list the environment variables as a Markdown table

Days are YYYY-MM-DD (2026-01-31), shop days (SHOP_TIME_ZONE); a DATETIME has its offset (2026-01-31T09:30:00Z).
`;

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'config':
      console.log('| variable | default | meaning |\n|---|---|---|');
      for (const v of CONFIG_VARIABLES)
        console.log(`| \`${v.env}\` | \`${v.defaultValue}\` | ${v.description} |`);
      return;
    case undefined:
    case 'help':
      console.log(USAGE);
      return;
    default: {
      // The database side loads only for a command that needs it, so `config` and the usage print at once.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load (CommonJS output; a dynamic import() would need a file extension under node16 resolution)
      const { runCommand } = require('./commands') as typeof import('./commands');
      if (await runCommand(command, rest)) return;
      console.log(USAGE);
      process.exitCode = 2;
    }
  }
}

main(process.argv.slice(2)).catch((error) => {
  const code = (error as { extensions?: { code?: string } })?.extensions?.code;
  // Never the error object itself: a QueryFailedError carries the statement and every parameter (a whole chunk).
  console.error(
    error instanceof ConfigError
      ? error.message
      : code
        ? `${code}: ${error.message}`
        : JSON.stringify(safeError(error)),
  );
  process.exit(1);
});
