/**
 * Backtest of a purchase model: predicted against actual repeat purchases in a holdout period, in total,
 * per week (and cumulatively) and per calibration-frequency bucket, and the mean absolute error per customer
 * against a naive baseline in which each customer keeps their calibration rate (x / T). Several models are
 * compared on the same split and one is recommended. Pure: the data come in.
 */
import {
  BgNbdParams,
  expectedPurchases,
  fitBgNbdSteps,
  PurchaseSummary,
  toColumns,
} from './bg-nbd';
import { fitMbgNbdSteps } from './mbg-nbd';
import { fitParetoNbdSteps } from './pareto-nbd';
import { PurchaseModelName, predictorFor } from './purchase-models';
import { runSteps, Steps } from './optimise';

/** E[X(t) | history] for one customer under a fitted model. */
export type PredictPurchases = (customer: PurchaseSummary, t: number) => number;

export interface BacktestCustomer extends PurchaseSummary {
  actual: number;
}

export interface BacktestReport {
  customers: number;
  predictedTotal: number;
  actualTotal: number;
  weekly: {
    week: number;
    predicted: number;
    actual: number | null;
    cumulativePredicted: number;
    cumulativeActual: number | null;
  }[];
  buckets: { frequency: string; customers: number; predicted: number; actual: number }[];
  meanAbsoluteError: number;
  naiveMeanAbsoluteError: number;
}

const BUCKET_LIMIT = 7;
/** Predictions per step: each is one hypergeometric series, a few microseconds. */
const PREDICTIONS_PER_STEP = 2000;

/** holdout is in model time units; weeklyActual[k] is the actual count in holdout week k + 1 when known. */
export function backtest(
  params: BgNbdParams | PredictPurchases,
  customers: BacktestCustomer[],
  holdout: number,
  unitsPerWeek: number,
  weeklyActual: number[],
): BacktestReport {
  return runSteps(backtestSteps(params, customers, holdout, unitsPerWeek, weeklyActual));
}

/** The same, yielding every PREDICTIONS_PER_STEP predictions: the weekly curve makes customers × weeks of them. */
export function* backtestSteps(
  params: BgNbdParams | PredictPurchases,
  customers: BacktestCustomer[],
  holdout: number,
  unitsPerWeek: number,
  weeklyActual: number[],
): Steps<BacktestReport> {
  const predict: PredictPurchases =
    typeof params === 'function' ? params : (c, t) => expectedPurchases(params, c, t);
  let predictions = 0;
  let predictedTotal = 0;
  let actualTotal = 0;
  let error = 0;
  let naiveError = 0;
  const buckets = new Map<number, { customers: number; predicted: number; actual: number }>();
  for (const c of customers) {
    if (++predictions % PREDICTIONS_PER_STEP === 0) yield;
    const predicted = predict(c, holdout);
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
  let cumulativeActual: number | null = 0;
  for (let week = 1; week <= weeks; week++) {
    const t = Math.min(week * unitsPerWeek, holdout);
    let now = 0;
    for (const c of customers) {
      if (++predictions % PREDICTIONS_PER_STEP === 0) yield;
      now += predict(c, t);
    }
    const actual = weeklyActual[week - 1] ?? null;
    cumulativeActual =
      actual === null || cumulativeActual === null ? null : cumulativeActual + actual;
    weekly.push({
      week,
      predicted: now - previous,
      actual,
      cumulativePredicted: now,
      cumulativeActual,
    });
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

export interface ModelBacktest extends BacktestReport {
  model: PurchaseModelName;
  logLikelihood: number;
}

/**
 * The model to use: the lowest holdout mean absolute error per customer; between errors equal to 1e-9 (relative),
 * the higher calibration log-likelihood; then the order given.
 */
export function recommendModel(backtests: ModelBacktest[]): PurchaseModelName {
  if (backtests.length === 0) throw new Error('recommendModel needs at least one backtest');
  let best = backtests[0];
  for (const b of backtests.slice(1)) {
    const tolerance =
      1e-9 * Math.max(Math.abs(b.meanAbsoluteError), Math.abs(best.meanAbsoluteError));
    const gap = b.meanAbsoluteError - best.meanAbsoluteError;
    if (gap < -tolerance || (Math.abs(gap) <= tolerance && b.logLikelihood > best.logLikelihood))
      best = b;
  }
  return best.model;
}

export interface ModelBacktestWithFit extends ModelBacktest {
  params: Record<string, number>;
  iterations: number;
  converged: boolean;
}

/** Every purchase model a backtest compares, in the order of the report. */
export const BACKTEST_MODELS: PurchaseModelName[] = ['BG_NBD', 'MBG_NBD', 'PARETO_NBD'];

function fitSteps(model: PurchaseModelName, customers: PurchaseSummary[]) {
  const columns = toColumns(customers.map(({ x, tx, T }) => ({ x, tx, T })));
  if (model === 'PARETO_NBD') return fitParetoNbdSteps(columns);
  if (model === 'MBG_NBD') return fitMbgNbdSteps(columns);
  return fitBgNbdSteps(columns);
}

/**
 * Fits each model on the calibration summaries and backtests it on the same holdout, in steps (one optimiser
 * iteration, a few thousand predictions), then recommends one (recommendModel).
 */
export function* backtestModelsSteps(
  models: PurchaseModelName[],
  customers: BacktestCustomer[],
  holdout: number,
  unitsPerWeek: number,
  weeklyActual: number[],
): Steps<{ models: ModelBacktestWithFit[]; recommendation: PurchaseModelName }> {
  const results: ModelBacktestWithFit[] = [];
  for (const model of models) {
    const fit = yield* fitSteps(model, customers);
    const params = fit.params as unknown as Record<string, number>;
    const predictor = predictorFor(model, params);
    const report = yield* backtestSteps(
      (c, t) => predictor.expectedPurchases(c, t),
      customers,
      holdout,
      unitsPerWeek,
      weeklyActual,
    );
    results.push({
      model,
      params,
      logLikelihood: fit.logLikelihood,
      iterations: fit.iterations,
      converged: fit.converged,
      ...report,
    });
  }
  return { models: results, recommendation: recommendModel(results) };
}
