import fs from 'node:fs';
import { ConfigError } from '../config';
import { fitBgBb, PeriodSummary } from '../modules/metrics';

/**
 * Period data for the BG/BB fit, from a CSV file with a header, in one of two layouts:
 * - patterns, as the donations data: `frequency,recency,periods[,weights]`, one (x, tx, n) row with its count;
 * - a period log: `customer,period,purchased`, periods as integers and purchased 0 or 1. A customer's first period
 *   with a purchase is its acquisition (period 0 of its pattern); the file's last period ends every customer's
 *   observation, so n is that period minus the first. Customers who never purchased are not in the base.
 */
export function parsePeriodData(text: string): { customers: PeriodSummary[]; skipped: number } {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const rows: { line: number; values: number[] }[] = [];
  lines.slice(1).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const cells = raw.split(',').map((c) => c.trim());
    if (
      cells.length !== header.length ||
      cells.some((c) => c === '' || !Number.isInteger(Number(c)))
    )
      throw new ConfigError(
        `line ${i + 2}: expected ${header.length} integer fields, got "${raw}"`,
      );
    rows.push({ line: i + 2, values: cells.map(Number) });
  });
  if (header.join(',').startsWith('frequency,recency,periods'))
    return {
      customers: rows.map(({ values: [x, tx, n, weight] }) => ({ x, tx, n, weight: weight ?? 1 })),
      skipped: 0,
    };
  if (header.join(',') !== 'customer,period,purchased')
    throw new ConfigError(
      `line 1: expected the header frequency,recency,periods[,weights] or customer,period,purchased, got "${lines[0]}"`,
    );
  let last = -Infinity;
  const purchases = new Map<number, Set<number>>();
  for (const {
    line,
    values: [customer, period, purchased],
  } of rows) {
    if (purchased !== 0 && purchased !== 1)
      throw new ConfigError(`line ${line}: purchased must be 0 or 1`);
    last = Math.max(last, period);
    const periods = purchases.get(customer) ?? new Set<number>();
    if (purchased === 1) periods.add(period);
    purchases.set(customer, periods);
  }
  const customers: PeriodSummary[] = [];
  let skipped = 0;
  for (const periods of purchases.values()) {
    if (periods.size === 0) {
      skipped += 1;
      continue;
    }
    const sorted = [...periods].sort((a, b) => a - b);
    const first = sorted[0];
    customers.push({
      x: sorted.length - 1,
      tx: sorted[sorted.length - 1] - first,
      n: last - first,
    });
  }
  return { customers, skipped };
}

/** `fit-models --model bg-bb --periods <file>`: fits from the file alone, with no database. */
export function fitPeriodsFile(file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--periods ${file}: ${(error as Error).message}`);
  }
  const { customers, skipped } = parsePeriodData(text);
  if (customers.length === 0)
    throw new ConfigError(`--periods ${file}: no customer with a purchase`);
  let fit;
  try {
    fit = fitBgBb(customers);
  } catch (error) {
    throw new ConfigError(`--periods ${file}: ${(error as Error).message}`);
  }
  const count = customers.reduce((s, c) => s + (c.weight ?? 1), 0);
  return {
    model: 'BG_BB',
    bgbb: fit.params,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    customers: count,
    skippedWithoutPurchase: skipped,
    periods: Math.max(...customers.map((c) => c.n)),
    timeUnit: 'period',
  };
}

/** The BG/BB path of `fit-models`: its options are checked before the file is read. */
export function printPeriodsFit(values: {
  model?: string;
  periods?: string;
  'time-unit'?: string;
  'as-of'?: string;
  json?: boolean;
}): void {
  if (values.model !== 'bg-bb') throw new ConfigError('--periods goes with --model bg-bb');
  if (!values.periods) throw new ConfigError('--model bg-bb needs --periods <file>');
  if ((values['time-unit'] ?? 'period') !== 'period' || values['as-of'] !== undefined)
    throw new ConfigError(
      '--model bg-bb counts the periods in its file: no --as-of, and --time-unit is period',
    );
  console.log(JSON.stringify(fitPeriodsFile(values.periods), null, values.json ? undefined : 2));
}
