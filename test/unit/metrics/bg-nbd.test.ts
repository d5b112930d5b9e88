import fs from 'node:fs';
import path from 'node:path';
import {
  BgNbdParams,
  bgNbdLogLikelihoodWithGradient,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
  PurchaseSummary,
} from '../../../src/modules/metrics/models/bg-nbd';
import { Random } from '../../../src/common/random';

const CDNOW = path.resolve(
  __dirname,
  '../../../../shared/datasets/cdnow/cdnow_customers_summary_with_transactions.csv',
);

/** The CDNOW calibration summary (weeks), grouped by identical (x, tx, T). */
function cdnowSummary(): PurchaseSummary[] {
  const groups = new Map<string, PurchaseSummary>();
  for (const line of fs.readFileSync(CDNOW, 'utf8').trim().split('\n').slice(1)) {
    const [, x, tx, T] = line.split(',').map(Number);
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key) ?? { x, tx, T, weight: 0 };
    group.weight! += 1;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Customers drawn from the BG/NBD story with known parameters, observed for 20 to 40 time units. */
function simulate(params: BgNbdParams, customers: number, seed: number): PurchaseSummary[] {
  const rng = new Random(seed);
  return Array.from({ length: customers }, () => {
    const T = 20 + 20 * rng.next();
    const rate = rng.gamma(params.r, 1 / params.alpha);
    const dropout = rng.beta(params.a, params.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += rng.exponential(rate);
      if (t > T) break;
      x += 1;
      tx = t;
      if (rng.chance(dropout)) break;
    }
    return { x, tx, T };
  });
}

describe('BG/NBD (Fader, Hardie & Lee 2005)', () => {
  it('reproduces the published CDNOW estimates r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 and LL = -9582.4', () => {
    const fit = fitBgNbd(cdnowSummary());
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 2);
    expect(fit.params.a).toBeCloseTo(0.793, 2);
    expect(fit.params.b).toBeCloseTo(2.426, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    const { gradient } = bgNbdLogLikelihoodWithGradient(fit.params, cdnowSummary());
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-2);
  });

  it('has an analytic gradient that matches finite differences', () => {
    const customers = cdnowSummary().slice(0, 300);
    const at: BgNbdParams = { r: 0.4, alpha: 3, a: 1.3, b: 2.1 };
    const { gradient } = bgNbdLogLikelihoodWithGradient(at, customers);
    (['r', 'alpha', 'a', 'b'] as const).forEach((name, i) => {
      const h = 1e-6 * at[name];
      const up = bgNbdLogLikelihoodWithGradient({ ...at, [name]: at[name] + h }, customers).value;
      const down = bgNbdLogLikelihoodWithGradient({ ...at, [name]: at[name] - h }, customers).value;
      expect(gradient[i]).toBeCloseTo((up - down) / (2 * h), 3);
    });
  });

  it('recovers the parameters of 20,000 simulated customers', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const { params } = fitBgNbd(simulate(truth, 20_000, 7));
    expect(params.r / truth.r).toBeGreaterThan(0.9);
    expect(params.r / truth.r).toBeLessThan(1.1);
    expect(params.alpha / truth.alpha).toBeGreaterThan(0.85);
    expect(params.alpha / truth.alpha).toBeLessThan(1.15);
    expect(params.a / truth.a).toBeGreaterThan(0.75);
    expect(params.a / truth.a).toBeLessThan(1.3);
    expect(params.b / truth.b).toBeGreaterThan(0.7);
    expect(params.b / truth.b).toBeLessThan(1.4);
  });

  const cdnow: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.793, b: 2.4262 };

  it('predicts the paper’s 1.226 purchases in the next 39 weeks for CDNOW customer 1 (x = 2, tx = 30.43, T = 38.86)', () => {
    expect(expectedPurchases(cdnow, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
  });

  it('handles the edge cases exactly: no repeat purchases, T = 0, t = 0, thousands of purchases', () => {
    expect(probabilityAlive(cdnow, { x: 0, tx: 0, T: 30 })).toBe(1);
    expect(expectedPurchases(cdnow, { x: 0, tx: 0, T: 0 }, 39)).toBeCloseTo(
      expectedPurchasesNewCustomer(cdnow, 39),
      10,
    );
    expect(expectedPurchases(cdnow, { x: 3, tx: 10, T: 20 }, 0)).toBe(0);
    const heavy = expectedPurchases(cdnow, { x: 5000, tx: 999, T: 1000 }, 10);
    expect(Number.isFinite(heavy)).toBe(true);
    // A customer who bought 5,000 times in 1,000 weeks, the last a week ago, buys about 5 a week.
    expect(heavy).toBeGreaterThan(40);
    expect(heavy).toBeLessThan(60);
    expect(probabilityAlive(cdnow, { x: 5000, tx: 500, T: 1000 })).toBeLessThan(1e-10);
    // a = 1 is a removable singularity: the value there lies between its neighbours.
    const atOne = expectedPurchases({ ...cdnow, a: 1 }, { x: 2, tx: 30, T: 39 }, 39);
    const below = expectedPurchases({ ...cdnow, a: 0.999 }, { x: 2, tx: 30, T: 39 }, 39);
    const above = expectedPurchases({ ...cdnow, a: 1.001 }, { x: 2, tx: 30, T: 39 }, 39);
    expect(Number.isFinite(atOne)).toBe(true);
    expect(atOne).toBeGreaterThan(Math.min(below, above));
    expect(atOne).toBeLessThan(Math.max(below, above));
    expect(Number.isFinite(expectedPurchasesNewCustomer({ ...cdnow, a: 1 }, 39))).toBe(true);
    // The probabilities of 0, 1, 2… purchases of a new customer add up to 1.
    let total = 0;
    for (let n = 0; n < 200; n++) total += probabilityOfPurchases(cdnow, 39, n);
    expect(total).toBeCloseTo(1, 6);
    let mean = 0;
    for (let n = 0; n < 400; n++) mean += n * probabilityOfPurchases(cdnow, 39, n);
    expect(mean).toBeCloseTo(expectedPurchasesNewCustomer(cdnow, 39), 4);
  });
});
