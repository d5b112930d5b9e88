/**
 * Backtest of the purchase model: predicted against actual repeat purchases in a holdout period, in total,
 * per week and per calibration-frequency bucket, and the mean absolute error per customer against a naive
 * baseline in which each customer keeps their calibration rate (x / T). Pure: the data come in.
 */
import { BgNbdParams, expectedPurchases, PurchaseSummary } from './bg-nbd';
import { runSteps, Steps } from './optimise';

export interface BacktestCustomer extends PurchaseSummary {
  actual: number;
}

export interface BacktestReport {
  customers: number;
  predictedTotal: number;
  actualTotal: number;
  weekly: { week: number; predicted: number; actual: number | null }[];
  buckets: { frequency: string; customers: number; predicted: number; actual: number }[];
  meanAbsoluteError: number;
  naiveMeanAbsoluteError: number;
}

const BUCKET_LIMIT = 7;
/** Predictions per step: each is one hypergeometric series, a few microseconds. */
const PREDICTIONS_PER_STEP = 2000;

/** holdout is in model time units; weeklyActual[k] is the actual count in holdout week k + 1 when known. */
export function backtest(
  params: BgNbdParams,
  customers: BacktestCustomer[],
  holdout: number,
  unitsPerWeek: number,
  weeklyActual: number[],
): BacktestReport {
  return runSteps(backtestSteps(params, customers, holdout, unitsPerWeek, weeklyActual));
}

/** The same, yielding every PREDICTIONS_PER_STEP predictions: the weekly curve makes customers × weeks of them. */
export function* backtestSteps(
  params: BgNbdParams,
  customers: BacktestCustomer[],
  holdout: number,
  unitsPerWeek: number,
  weeklyActual: number[],
): Steps<BacktestReport> {
  let predictions = 0;
  let predictedTotal = 0;
  let actualTotal = 0;
  let error = 0;
  let naiveError = 0;
  const buckets = new Map<number, { customers: number; predicted: number; actual: number }>();
  for (const c of customers) {
    if (++predictions % PREDICTIONS_PER_STEP === 0) yield;
    const predicted = expectedPurchases(params, c, holdout);
    const naive = c.T > 0 ? (c.x / c.T) * holdout : 0;
    predictedTotal += predicted;
    actualTotal += c.actual;
    error += Math.abs(predicted - c.actual);
    naiveError += Math.abs(naive - c.actual);
    const bucket = Math.min(c.x, BUCKET_LIMIT);
    const b = buckets.get(bucket) ?? { customers: 0, predicted: 0, actual: 0 };
    b.customers += 1;
    b.predicted += predicted;
    b.actual += c.actual;
    buckets.set(bucket, b);
  }
  const weeks = Math.ceil(holdout / unitsPerWeek);
  const weekly: BacktestReport['weekly'] = [];
  let previous = 0;
  for (let week = 1; week <= weeks; week++) {
    const t = Math.min(week * unitsPerWeek, holdout);
    let now = 0;
    for (const c of customers) {
      if (++predictions % PREDICTIONS_PER_STEP === 0) yield;
      now += expectedPurchases(params, c, t);
    }
    weekly.push({ week, predicted: now - previous, actual: weeklyActual[week - 1] ?? null });
    previous = now;
  }
  const n = Math.max(customers.length, 1);
  return {
    customers: customers.length,
    predictedTotal,
    actualTotal,
    weekly,
    buckets: [...buckets]
      .sort(([a], [b]) => a - b)
      .map(([x, b]) => ({
        frequency: x === BUCKET_LIMIT ? `${BUCKET_LIMIT}+` : String(x),
        customers: b.customers,
        predicted: b.predicted / b.customers,
        actual: b.actual / b.customers,
      })),
    meanAbsoluteError: error / n,
    naiveMeanAbsoluteError: naiveError / n,
  };
}
