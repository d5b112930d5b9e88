/**
 * How well a backtested model's predictions match the holdout beyond the totals: empirical coverage of its 80%
 * predictive intervals, calibration by decile of the prediction, and the ranking quality of predicted spend (the
 * normalised Gini coefficient, as in Wang, Liu & Miao 2019, "A deep probabilistic model for customer lifetime value
 * prediction"). Pure: the predictions and outcomes come in.
 */
import { CountPmf, predictiveIntervalSteps } from './purchase-count';
import type { Steps } from './optimise';

export interface CalibrationDecile {
  /** 1 = the tenth of customers with the lowest predictions, 10 = the highest. */
  decile: number;
  customers: number;
  predicted: number;
  actual: number;
}

/**
 * Share of customers whose actual count lies inside their interval, the interval from the mixture of the PMFs each
 * customer's `pmfs(i)` returns (one per parameter draw, or one at the point estimate).
 */
export function* coverageSteps(
  customers: number,
  pmfs: (i: number) => CountPmf[],
  actual: (i: number) => number,
): Steps<number> {
  let inside = 0;
  for (let i = 0; i < customers; i++) {
    const { low, high } = yield* predictiveIntervalSteps(pmfs(i));
    const count = actual(i);
    if (count >= low && count <= high) inside += 1;
    if (i % 64 === 63) yield;
  }
  return customers > 0 ? inside / customers : 0;
}

/**
 * Customers sorted by prediction (ties in the order given) and cut into ten groups as equal as possible (customer k of
 * n goes to decile floor(10 k / n) + 1), with each group's mean predicted and mean actual; empty deciles (fewer than
 * ten customers) are left out.
 */
export function decileCalibration(predicted: number[], actual: number[]): CalibrationDecile[] {
  const order = predicted.map((_, i) => i).sort((i, j) => predicted[i] - predicted[j] || i - j);
  const deciles = Array.from({ length: 10 }, (_, d) => ({
    decile: d + 1,
    customers: 0,
    predicted: 0,
    actual: 0,
  }));
  order.forEach((i, k) => {
    const d = deciles[Math.floor((10 * k) / order.length)];
    d.customers += 1;
    d.predicted += predicted[i];
    d.actual += actual[i];
  });
  return deciles
    .filter((d) => d.customers > 0)
    .map((d) => ({ ...d, predicted: d.predicted / d.customers, actual: d.actual / d.customers }));
}

/**
 * Twice the area between the cumulative share of actual captured when customers are taken in descending order of
 * `ranking`, and the diagonal; customers with equal ranking are taken together (the mean over their orders).
 */
function gini(ranking: number[], actual: number[]): number {
  const n = ranking.length;
  const total = actual.reduce((s, a) => s + a, 0);
  const order = ranking.map((_, i) => i).sort((i, j) => ranking[j] - ranking[i]);
  let area = 0;
  let captured = 0;
  for (let k = 0; k < n;) {
    let end = k;
    let group = 0;
    while (end < n && ranking[order[end]] === ranking[order[k]]) group += actual[order[end++]];
    // Trapezoid over the tied group: from (k/n, captured) to (end/n, captured + group).
    area += ((end - k) / n) * ((captured + (captured + group)) / 2 / total);
    captured += group;
    k = end;
  }
  return 2 * area - 1;
}

/**
 * Normalised Gini coefficient of `predicted` as a ranking of `actual`: the Gini of the prediction's ranking over that
 * of the perfect ranking (by actual). 1: the ranking is perfect; 0: no better than chance; below 0: worse. Null when
 * nothing actually happened (or there is nobody to rank).
 */
export function normalisedGini(predicted: number[], actual: number[]): number | null {
  if (predicted.length < 2 || !actual.some((a) => a > 0)) return null;
  const best = gini(actual, actual);
  return best > 0 ? gini(predicted, actual) / best : null;
}
