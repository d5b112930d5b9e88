import {
  predictorFor,
  PurchaseModelName,
} from '../../../src/modules/metrics/models/purchase-models';
import { probabilityOfPurchases } from '../../../src/modules/metrics/models/bg-nbd';
import { mbgProbabilityOfPurchases } from '../../../src/modules/metrics/models/mbg-nbd';
import { CountPmf, predictiveInterval } from '../../../src/modules/metrics/models/purchase-count';
import { Random } from '../../../src/common/random';

// The CDNOW calibration fits (weeks) of the backtest table in issue 17.
const FITS: Record<PurchaseModelName, Record<string, number>> = {
  BG_NBD: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 },
  MBG_NBD: { r: 0.5248, alpha: 6.1831, a: 0.8914, b: 1.614 },
  PARETO_NBD: { r: 0.5533, alpha: 10.5777, s: 0.6062, beta: 11.6688 },
};
const MODELS = Object.keys(FITS) as PurchaseModelName[];

/** The first `count` probabilities of a PMF. */
const take = (pmf: CountPmf, count: number) => Array.from({ length: count }, () => pmf.next());

/** Sum and mean of a PMF, walked until the rest of the mass is below 1e-13. */
function moments(pmf: CountPmf) {
  let sum = 0;
  let mean = 0;
  let smallest = 0;
  for (let n = 0; n < 100_000 && 1 - sum > 1e-13; n++) {
    const p = pmf.next();
    smallest = Math.min(smallest, p);
    sum += p;
    mean += n * p;
  }
  return { sum, mean, smallest };
}

const CUSTOMERS = [
  { x: 0, tx: 0, T: 0 }, // T = 0: a customer who just made a first purchase
  { x: 0, tx: 0, T: 30 },
  { x: 2, tx: 20, T: 35 },
  { x: 5, tx: 35, T: 35 }, // bought at the end of observation
  { x: 500, tx: 78, T: 78 }, // huge x, alive
  { x: 5000, tx: 60, T: 78 }, // huge x, silent: P(alive) underflows
];

describe('P(Y(t) = n | x, tx, T)', () => {
  it.each(MODELS)('%s: sums to 1 and its mean is E[Y(t)], from T = 0 to huge x', (model) => {
    const predictor = predictorFor(model, FITS[model]);
    for (const c of CUSTOMERS)
      for (const t of [1, 39, 520]) {
        const { sum, mean, smallest } = moments(predictor.countPmf(c, t));
        expect(smallest).toBe(0);
        const expected = predictor.expectedPurchases(c, t);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-11);
        // Pareto/NBD: a 12-node quadrature of the death time, 1e-6 at ten years for a new customer.
        expect(Math.abs(mean - expected)).toBeLessThanOrEqual(2e-6 * expected + 1e-12);
      }
  });

  it('is the published new-customer PMF at x = 0, T = 0 (BG/NBD: FHL 2005 Eq. 8; MBG/NBD: Batislam et al.)', () => {
    const bg = take(predictorFor('BG_NBD', FITS.BG_NBD).countPmf({ x: 0, tx: 0, T: 0 }, 39), 30);
    const mbg = take(predictorFor('MBG_NBD', FITS.MBG_NBD).countPmf({ x: 0, tx: 0, T: 0 }, 39), 30);
    bg.forEach((p, n) =>
      expect(p).toBeCloseTo(probabilityOfPurchases(FITS.BG_NBD as never, 39, n), 13),
    );
    mbg.forEach((p, n) =>
      expect(p).toBeCloseTo(mbgProbabilityOfPurchases(FITS.MBG_NBD as never, 39, n), 13),
    );
  });

  it.each(MODELS)('%s: its CDF is the running sum of its PMF, from T = 0 to huge x', (model) => {
    const predictor = predictorFor(model, FITS[model]);
    for (const c of CUSTOMERS)
      for (const t of [1, 39, 520]) {
        const walked = predictor.countPmf(c, t);
        const direct = predictor.countPmf(c, t);
        let cumulative = 0;
        for (let n = 0; n <= 400; n++) {
          cumulative += walked.next();
          if (n % 23 === 0 || n === 400) expect(direct.cdf(n)).toBeCloseTo(cumulative, 10);
        }
      }
  });

  it('finds quantiles past the walk by bisection on the CDF, as a walk would', () => {
    // A customer with 500 purchase days in 78 weeks, over ten years: counts in the thousands.
    const heavy = { x: 500, tx: 78, T: 78 };
    for (const model of MODELS) {
      const predictor = predictorFor(model, FITS[model]);
      const { low, high } = predictiveInterval([predictor.countPmf(heavy, 520)]);
      expect(high).toBeGreaterThan(256); // past the walk
      const walk = predictor.countPmf(heavy, 520);
      let cumulative = 0;
      for (let n = 0; n < low; n++) cumulative += walk.next();
      expect(cumulative).toBeLessThan(0.1);
      cumulative += walk.next();
      expect(cumulative).toBeGreaterThanOrEqual(0.1 - 1e-9);
      for (let n = low + 1; n < high; n++) cumulative += walk.next();
      expect(cumulative).toBeLessThan(0.9);
      expect(cumulative + walk.next()).toBeGreaterThanOrEqual(0.9 - 1e-9);
    }
  });

  it('is nothing but Y = 0 for a zero horizon', () => {
    for (const model of MODELS)
      expect(
        take(predictorFor(model, FITS[model]).countPmf({ x: 3, tx: 10, T: 20 }, 0), 3),
      ).toEqual([1, 0, 0]);
  });

  /**
   * Brute force: customers drawn from the prior, weighted by the likelihood of the history (x purchases in (0, T],
   * the last at tx), then their purchases in (T, T + t] simulated from the model's story.
   */
  function simulate(model: PurchaseModelName, c: { x: number; tx: number; T: number }, t: number) {
    const rng = new Random(17);
    const p = FITS[model];
    const weights = new Map<number, number>();
    let total = 0;
    for (let i = 0; i < 150_000; i++) {
      const lambda = rng.gamma(p.r, 1 / p.alpha);
      let weight = Math.exp(c.x * Math.log(lambda));
      let future = 0;
      if (model === 'PARETO_NBD') {
        const death = rng.exponential(rng.gamma(p.s, 1 / p.beta));
        if (death < c.tx) continue;
        weight *= Math.exp(-lambda * Math.min(death, c.T));
        if (death > c.T) future = poissonProcessCount(rng, lambda, Math.min(death, c.T + t) - c.T);
      } else {
        // Dropout chances: after each purchase (BG/NBD), and at time 0 as well (MBG/NBD).
        const q = rng.beta(p.a, p.b);
        const chances = c.x + (model === 'MBG_NBD' ? 1 : 0);
        const aliveWeight = Math.pow(1 - q, chances) * Math.exp(-lambda * c.T);
        const deadWeight =
          chances > 0 ? q * Math.pow(1 - q, chances - 1) * Math.exp(-lambda * c.tx) : 0;
        if (rng.next() * (aliveWeight + deadWeight) < aliveWeight) {
          // Alive at T: purchases until the one after which the customer drops out.
          let clock = 0;
          for (;;) {
            clock += rng.exponential(lambda);
            if (clock > t) break;
            future += 1;
            if (rng.chance(q)) break;
          }
        }
        weight *= aliveWeight + deadWeight;
      }
      weights.set(future, (weights.get(future) ?? 0) + weight);
      total += weight;
    }
    return (n: number) => (weights.get(n) ?? 0) / total;
  }

  function poissonProcessCount(rng: Random, rate: number, span: number) {
    let n = 0;
    for (let clock = rng.exponential(rate); clock <= span; clock += rng.exponential(rate)) n++;
    return n;
  }

  it.each(MODELS)(
    '%s: agrees with a brute-force simulation of the story, given a history',
    (model) => {
      const customer = { x: 2, tx: 20, T: 35 };
      const simulated = simulate(model, customer, 39);
      take(predictorFor(model, FITS[model]).countPmf(customer, 39), 8).forEach((p, n) =>
        expect(Math.abs(p - simulated(n))).toBeLessThan(0.01),
      );
    },
  );
});

describe('predictive interval of a mixture', () => {
  const fixed = (probabilities: number[]): CountPmf => {
    let n = 0;
    return {
      next: () => probabilities[n++] ?? 0,
      cdf: (k) => probabilities.slice(0, k + 1).reduce((s, p) => s + p, 0),
    };
  };

  it('takes the smallest n whose cumulative probability reaches each quantile', () => {
    expect(predictiveInterval([fixed([0.05, 0.05, 0.5, 0.3, 0.1])])).toEqual({ low: 1, high: 3 });
    expect(predictiveInterval([fixed([0.95, 0.05])])).toEqual({ low: 0, high: 0 });
    // The mixture of two is their average: [0.5, 0.25, 0.25].
    expect(predictiveInterval([fixed([1]), fixed([0, 0.5, 0.5])])).toEqual({ low: 0, high: 2 });
  });

  it('covers at least 80% of what the model itself simulates', () => {
    const predictor = predictorFor('BG_NBD', FITS.BG_NBD);
    const customer = { x: 5, tx: 30, T: 35 };
    const { low, high } = predictiveInterval([predictor.countPmf(customer, 52)]);
    const pmf = take(predictor.countPmf(customer, 52), high + 1);
    const inside = pmf.slice(low, high + 1).reduce((s, p) => s + p, 0);
    expect(inside).toBeGreaterThanOrEqual(0.8);
    expect(pmf.slice(0, low).reduce((s, p) => s + p, 0)).toBeLessThan(0.1);
  });
});
