import fs from 'node:fs';
import path from 'node:path';
import { Random } from '../src/common/random';
import { toColumns } from '../src/modules/metrics/models/bg-nbd';
import {
  fitPurchaseModel,
  PARAMETER_NAMES,
  predictorFor,
  PurchaseModelName,
} from '../src/modules/metrics/models/purchase-models';
import { drawParameters } from '../src/modules/metrics/models/uncertainty';
import { predictiveInterval } from '../src/modules/metrics/models/purchase-count';

const CDNOW = path.resolve(
  __dirname,
  '../../shared/datasets/cdnow/cdnow_customers_summary_with_transactions.csv',
);
const DRAWS = 200;

/**
 * `npm run bench -- intervals`: the CPU time of one customer's 80% predictive interval (200 parameter draws, as
 * CustomerMetrics.expectedPurchases serves it) per purchase model and horizon, over the CDNOW calibration customers
 * (weeks), and for a heavy buyer (300 purchase days in 78 weeks) at ten years. The resolver's cost comment quotes it.
 */
export function benchIntervals() {
  const customers = fs
    .readFileSync(CDNOW, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, x, tx, T] = line.split(',').map(Number);
      return { x, tx, T };
    });
  for (const model of ['BG_NBD', 'MBG_NBD', 'PARETO_NBD'] as PurchaseModelName[]) {
    const fit = fitPurchaseModel(model, toColumns(customers));
    const rng = new Random(0x5eed);
    const normals = Array.from({ length: DRAWS }, () => [0, 1, 2, 3].map(() => rng.normal()));
    const names = PARAMETER_NAMES[model];
    const mean = names.map((n) => Math.log(fit.params[n]));
    const draws = drawParameters(mean, fit.covariance, normals).map((theta) =>
      predictorFor(model, Object.fromEntries(names.map((n, i) => [n, Math.exp(theta[i])]))),
    );
    const intervalOf = (c: { x: number; tx: number; T: number }, weeks: number) =>
      predictiveInterval(draws.map((d) => d.countPmf(c, weeks)));
    for (const days of [90, 365, 3650]) {
      const started = performance.now();
      let widest = 0;
      for (const c of customers) widest = Math.max(widest, intervalOf(c, days / 7).high);
      const perCustomer = (performance.now() - started) / customers.length;
      console.log(
        `${model} expectedPurchases(days: ${days}): ${perCustomer.toFixed(3)} ms a customer (${customers.length}), largest high ${widest}`,
      );
    }
    const started = performance.now();
    const heavy = intervalOf({ x: 300, tx: 78, T: 78 }, 3650 / 7);
    console.log(
      `${model} heavy buyer at 3650 days: ${(performance.now() - started).toFixed(1)} ms, [${heavy.low}, ${heavy.high}]`,
    );
  }
}
