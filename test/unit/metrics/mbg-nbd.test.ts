import fs from 'node:fs';
import path from 'node:path';
import { PurchaseSummary } from '../../../src/modules/metrics/models/bg-nbd';
import {
  fitMbgNbd,
  MbgNbdParams,
  mbgExpectedPurchases,
  mbgExpectedPurchasesNewCustomer,
  mbgNbdLogLikelihood,
  mbgNbdLogLikelihoodWithGradient,
  mbgProbabilityAlive,
  mbgProbabilityOfPurchases,
} from '../../../src/modules/metrics/models/mbg-nbd';
import { Random } from '../../../src/common/random';

const CDNOW = path.resolve(
  __dirname,
  '../../../../shared/datasets/cdnow/cdnow_customers_summary_with_transactions.csv',
);

/** The CDNOW calibration summary (weeks), grouped by identical (x, tx, T), as in bg-nbd.test.ts. */
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

/**
 * Customers drawn from the MBG/NBD story: after the first purchase (time 0) and after every repeat purchase the
 * customer drops out with probability p; observed for 20 to 40 time units.
 */
function simulate(params: MbgNbdParams, customers: number, seed: number): PurchaseSummary[] {
  const rng = new Random(seed);
  return Array.from({ length: customers }, () => {
    const T = 20 + 20 * rng.next();
    const rate = rng.gamma(params.r, 1 / params.alpha);
    const dropout = rng.beta(params.a, params.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    while (!rng.chance(dropout)) {
      t += rng.exponential(rate);
      if (t > T) break;
      x += 1;
      tx = t;
    }
    return { x, tx, T };
  });
}

/** lifetimes' ModifiedBetaGeoFitter on the CDNOW summary (its test_params_out_is_close_to_BTYDplus). */
const published: MbgNbdParams = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

describe('MBG/NBD (Batislam, Denizel & Filiztekin 2007)', () => {
  it('reproduces the published CDNOW estimates r = 0.525, alpha = 6.183, a = 0.891, b = 1.614 to ±0.0015', () => {
    const fit = fitMbgNbd(cdnowSummary());
    expect(fit.converged).toBe(true);
    // lifetimes asserts these to decimal = 3 (|difference| < 1.5e-3); the same tolerance here.
    for (const name of ['r', 'alpha', 'a', 'b'] as const)
      expect(Math.abs(fit.params[name] - published[name])).toBeLessThan(1.5e-3);
    // At the optimum the log-likelihood is flat and higher than BG/NBD's −9582.4 (one more way to drop out).
    const { gradient } = mbgNbdLogLikelihoodWithGradient(fit.params, cdnowSummary());
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.13, 1);
  });

  it('predicts a new customer’s purchases as lifetimes’ test does (within its 5%)', () => {
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => {
      const actual = mbgExpectedPurchasesNewCustomer(published, t);
      expect(Math.abs(actual / expected[i] - 1)).toBeLessThan(0.05);
    });
    // lifetimes: 1.226 ± 0.05 for CDNOW customer 1 (x = 2, tx = 30.43, T = 38.86) over 39 weeks.
    expect(
      Math.abs(mbgExpectedPurchases(published, { x: 2, tx: 30.43, T: 38.86 }, 39) - 1.226),
    ).toBeLessThan(0.05);
  });

  it('has an analytic gradient that matches finite differences, x = 0 and T = 0 rows included', () => {
    const customers = [
      ...cdnowSummary().slice(0, 300),
      { x: 0, tx: 0, T: 0 },
      { x: 0, tx: 0, T: 12 },
      { x: 3000, tx: 990, T: 1000, weight: 2 },
    ];
    for (const at of [
      { r: 0.4, alpha: 3, a: 1.3, b: 2.1 },
      { r: 2, alpha: 0.5, a: 0.2, b: 7 },
    ]) {
      const { value, gradient } = mbgNbdLogLikelihoodWithGradient(at, customers);
      const direct = customers.reduce(
        (sum, c) => sum + (c.weight ?? 1) * mbgNbdLogLikelihood(at, c),
        0,
      );
      expect(value).toBeCloseTo(direct, 6);
      (['r', 'alpha', 'a', 'b'] as const).forEach((name, i) => {
        const h = 1e-6 * at[name];
        const up = mbgNbdLogLikelihoodWithGradient({ ...at, [name]: at[name] + h }, customers);
        const down = mbgNbdLogLikelihoodWithGradient({ ...at, [name]: at[name] - h }, customers);
        const numeric = (up.value - down.value) / (2 * h);
        expect(Math.abs(gradient[i] - numeric)).toBeLessThan(1e-5 * (1 + Math.abs(numeric)));
      });
    }
  });

  it('recovers the parameters of 20,000 simulated customers', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
    const { params, converged } = fitMbgNbd(simulate(truth, 20_000, 17));
    expect(converged).toBe(true);
    expect(params.r / truth.r).toBeGreaterThan(0.9);
    expect(params.r / truth.r).toBeLessThan(1.1);
    expect(params.alpha / truth.alpha).toBeGreaterThan(0.85);
    expect(params.alpha / truth.alpha).toBeLessThan(1.15);
    expect(params.a / truth.a).toBeGreaterThan(0.8);
    expect(params.a / truth.a).toBeLessThan(1.25);
    expect(params.b / truth.b).toBeGreaterThan(0.75);
    expect(params.b / truth.b).toBeLessThan(1.35);
  });

  it('gives one-time buyers P(alive) < 1, falling with silence; b / (a + b) at T = 0', () => {
    const { a, b } = published;
    expect(mbgProbabilityAlive(published, { x: 0, tx: 0, T: 0 })).toBeCloseTo(b / (a + b), 14);
    const week = mbgProbabilityAlive(published, { x: 0, tx: 0, T: 1 });
    const year = mbgProbabilityAlive(published, { x: 0, tx: 0, T: 52 });
    const decade = mbgProbabilityAlive(published, { x: 0, tx: 0, T: 520 });
    expect(week).toBeLessThan(b / (a + b));
    expect(year).toBeLessThan(week);
    expect(decade).toBeLessThan(year);
    expect(decade).toBeGreaterThan(0);
    // Every P(alive) on a grid lies in [0, 1] (lifetimes' test_conditional_probability_alive_is_between_0_and_1).
    for (let x = 0; x < 100; x += 10)
      for (let tx = 0; tx < 100; tx += 10)
        for (let T = tx; T < 100; T += 10) {
          const p = mbgProbabilityAlive(published, { x, tx, T });
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
  });

  it('handles the edge cases: T = 0, t = 0, a = 1, thousands of purchases', () => {
    // A customer who has just made a first purchase is a new customer.
    expect(mbgExpectedPurchases(published, { x: 0, tx: 0, T: 0 }, 39)).toBeCloseTo(
      mbgExpectedPurchasesNewCustomer(published, 39),
      12,
    );
    expect(mbgExpectedPurchases(published, { x: 3, tx: 10, T: 20 }, 0)).toBe(0);
    expect(mbgExpectedPurchasesNewCustomer(published, 0)).toBe(0);
    expect(Number.isFinite(mbgNbdLogLikelihood(published, { x: 0, tx: 0, T: 0 }))).toBe(true);
    // Thousands of purchases: no overflow, no NaN.
    const heavy = mbgExpectedPurchases(published, { x: 5000, tx: 999, T: 1000 }, 10);
    expect(Number.isFinite(heavy)).toBe(true);
    // 5,000 purchases in 1,000 weeks, the last a week ago: about 5 a week.
    expect(heavy).toBeGreaterThan(40);
    expect(heavy).toBeLessThan(60);
    expect(mbgProbabilityAlive(published, { x: 5000, tx: 999, T: 1000 })).toBeGreaterThan(0.9);
    expect(mbgProbabilityAlive(published, { x: 5000, tx: 500, T: 1000 })).toBeLessThan(1e-10);
    const ll = mbgNbdLogLikelihoodWithGradient(published, [{ x: 5000, tx: 500, T: 1000 }]);
    expect(Number.isFinite(ll.value)).toBe(true);
    for (const g of ll.gradient) expect(Number.isFinite(g)).toBe(true);
    // a = 1 is a removable singularity: the value there lies between its neighbours.
    const c = { x: 2, tx: 30, T: 39 };
    const atOne = mbgExpectedPurchases({ ...published, a: 1 }, c, 39);
    const below = mbgExpectedPurchases({ ...published, a: 0.999 }, c, 39);
    const above = mbgExpectedPurchases({ ...published, a: 1.001 }, c, 39);
    expect(atOne).toBeGreaterThan(Math.min(below, above));
    expect(atOne).toBeLessThan(Math.max(below, above));
    expect(Number.isFinite(mbgExpectedPurchasesNewCustomer({ ...published, a: 1 }, 39))).toBe(true);
  });

  it('has probabilities of 0, 1, 2… purchases that add up to 1 and average to E[X(t)]', () => {
    for (const t of [2, 39, 78]) {
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 600; n++) {
        const p = mbgProbabilityOfPurchases(published, t, n);
        expect(p).toBeGreaterThanOrEqual(0);
        total += p;
        mean += n * p;
      }
      expect(total).toBeCloseTo(1, 6);
      expect(mean).toBeCloseTo(mbgExpectedPurchasesNewCustomer(published, t), 4);
    }
    // P(X(t) = 0) includes dropping out at time 0: at least a / (a + b).
    const { a, b } = published;
    expect(mbgProbabilityOfPurchases(published, 39, 0)).toBeGreaterThan(a / (a + b));
    expect(mbgProbabilityOfPurchases(published, 0, 0)).toBe(1);
  });

  it('agrees with simulation: the mean count of simulated new customers matches E[X(t)]', () => {
    const rng = new Random(3);
    const t = 39;
    let total = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const rate = rng.gamma(published.r, 1 / published.alpha);
      const dropout = rng.beta(published.a, published.b);
      let clock = 0;
      while (!rng.chance(dropout)) {
        clock += rng.exponential(rate);
        if (clock > t) break;
        total += 1;
      }
    }
    expect(Math.abs(total / n / mbgExpectedPurchasesNewCustomer(published, t) - 1)).toBeLessThan(
      0.03,
    );
  });
});
