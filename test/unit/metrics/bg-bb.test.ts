import fs from 'node:fs';
import path from 'node:path';
import { Random } from '../../../src/common/random';
import {
  BgBbParams,
  PeriodSummary,
  bgBbExpectedPurchases,
  bgBbExpectedPurchasesNewCustomer,
  bgBbLogLikelihood,
  bgBbLogLikelihoodWithGradient,
  bgBbProbabilityAlive,
  bgBbProbabilityOfPurchases,
  expectedAlivePeriods,
  fitBgBb,
  toPeriodColumns,
} from '../../../src/modules/metrics/models/bg-bb';
import { gammaln } from '../../../src/modules/metrics/models/special-functions';

const DONATIONS = path.resolve(__dirname, '../../../../shared/datasets/donations/donations.csv');

/** The 1995 cohort (11,104 donors), six annual repeat opportunities 1996–2001, as (x, tx, n) with counts. */
const donations: PeriodSummary[] = fs
  .readFileSync(DONATIONS, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',').map(Number))
  .map(([x, tx, n, weight]) => ({ x, tx, n, weight }));

/** The BG/BB story: die at the start of a period with probability theta, else buy with probability p. */
function simulate(params: BgBbParams, customers: number, periods: number, seed: number) {
  const rng = new Random(seed);
  const out: PeriodSummary[] = [];
  for (let i = 0; i < customers; i++) {
    const p = rng.beta(params.alpha, params.beta);
    const theta = rng.beta(params.gamma, params.delta);
    let x = 0;
    let tx = 0;
    for (let t = 1; t <= periods; t++) {
      if (rng.chance(theta)) break;
      if (rng.chance(p)) {
        x += 1;
        tx = t;
      }
    }
    out.push({ x, tx, n: periods });
  }
  return out;
}

/** Every (x, tx) pattern possible in n periods, weighted by how many purchase sequences have it: C(tx − 1, x − 1). */
function patterns(n: number): PeriodSummary[] {
  const out: PeriodSummary[] = [{ x: 0, tx: 0, n, weight: 1 }];
  const choose = (m: number, k: number) =>
    Math.round(Math.exp(gammaln(m + 1) - gammaln(k + 1) - gammaln(m - k + 1)));
  for (let tx = 1; tx <= n; tx++)
    for (let x = 1; x <= tx; x++) out.push({ x, tx, n, weight: choose(tx - 1, x - 1) });
  return out;
}

describe('BG/BB (Fader, Hardie & Shang 2010)', () => {
  const fit = fitBgBb(donations);
  const params = fit.params;

  it('reproduces the published donations estimates alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.6', () => {
    expect(donations.reduce((sum, d) => sum + d.weight!, 0)).toBe(11_104);
    expect(fit.converged).toBe(true);
    // The paper rounds to 3 decimals: within 0.001 of each published figure, and 0.05 of the log-likelihood.
    expect(Math.abs(params.alpha - 1.204)).toBeLessThan(0.001);
    expect(Math.abs(params.beta - 0.75)).toBeLessThan(0.001);
    expect(Math.abs(params.gamma - 0.657)).toBeLessThan(0.001);
    expect(Math.abs(params.delta - 2.783)).toBeLessThan(0.001);
    expect(Math.abs(fit.logLikelihood - -33_225.6)).toBeLessThan(0.05);
    const sum = donations.reduce((s, d) => s + d.weight! * bgBbLogLikelihood(params, d), 0);
    expect(sum).toBeCloseTo(fit.logLikelihood, 8);
  });

  it("reproduces Table 6's P(alive in 2002) and the totals of Hardie's BG/BB spreadsheet", () => {
    // Table 6, to the paper's 2 decimals: last gift 1995 with 0 repeats, 1999 with 2, 2001 with 6.
    expect(Math.abs(bgBbProbabilityAlive(params, { x: 0, tx: 0, n: 6 }) - 0.11)).toBeLessThan(
      0.005,
    );
    expect(Math.abs(bgBbProbabilityAlive(params, { x: 2, tx: 4, n: 6 }) - 0.59)).toBeLessThan(
      0.005,
    );
    expect(Math.abs(bgBbProbabilityAlive(params, { x: 6, tx: 6, n: 6 }) - 0.93)).toBeLessThan(
      0.005,
    );
    // Hardie's note 010 workbook: "Conditional Expectations (II)" total for 2002–2006, and the in-sample fit's
    // expected donors with 0 and with 6 repeat gifts (to its 1 decimal).
    const next5 = donations.reduce(
      (s, d) => s + d.weight! * bgBbExpectedPurchases(params, d, 5),
      0,
    );
    expect(Math.abs(next5 - 12_884.2)).toBeLessThan(0.05);
    expect(Math.abs(11_104 * bgBbProbabilityOfPurchases(params, 6, 0) - 3_454.9)).toBeLessThan(
      0.05,
    );
    expect(Math.abs(11_104 * bgBbProbabilityOfPurchases(params, 6, 6) - 1_253.1)).toBeLessThan(
      0.05,
    );
  });

  it('has an analytic gradient that matches central finite differences, and is zero at the fit', () => {
    const keys = ['alpha', 'beta', 'gamma', 'delta'] as const;
    // Central differences with h = 1e-5 of each parameter: their own error is about eps |LL| / h, so the tolerance
    // scales with the size of the log-likelihood (1e-9 of it for the 11,104 donors, 1e-7 for one customer).
    const check = (at: BgBbParams, data: PeriodSummary[], tolerance: number) => {
      const columns = toPeriodColumns(data);
      const { gradient } = bgBbLogLikelihoodWithGradient(at, columns);
      keys.forEach((key, j) => {
        const h = 1e-5 * at[key];
        const up = bgBbLogLikelihoodWithGradient({ ...at, [key]: at[key] + h }, columns).value;
        const down = bgBbLogLikelihoodWithGradient({ ...at, [key]: at[key] - h }, columns).value;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(gradient[j] - numeric)).toBeLessThan(tolerance * (1 + Math.abs(numeric)));
      });
    };
    const elsewhere = { alpha: 0.4, beta: 2.5, gamma: 1.7, delta: 0.9 };
    for (const at of [params, elsewhere]) check(at, donations, 3e-5);
    for (const c of [
      { x: 0, tx: 0, n: 6 },
      { x: 2, tx: 4, n: 6 },
      { x: 6, tx: 6, n: 6 },
      { x: 3, tx: 40, n: 52 },
    ])
      for (const at of [params, elsewhere]) check(at, [c], 1e-7);
    const atFit = bgBbLogLikelihoodWithGradient(params, toPeriodColumns(donations)).gradient;
    for (const g of atFit) expect(Math.abs(g)).toBeLessThan(0.01);
  });

  it('recovers known parameters from 50,000 simulated customers over 10 periods', () => {
    const truth = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 };
    const simulated = simulate(truth, 50_000, 10, 17);
    const recovered = fitBgBb(simulated);
    expect(recovered.converged).toBe(true);
    // About 3 standard errors at this size; the fit must also beat the truth's own likelihood.
    expect(Math.abs(recovered.params.alpha / truth.alpha - 1)).toBeLessThan(0.1);
    expect(Math.abs(recovered.params.beta / truth.beta - 1)).toBeLessThan(0.1);
    expect(Math.abs(recovered.params.gamma / truth.gamma - 1)).toBeLessThan(0.15);
    expect(Math.abs(recovered.params.delta / truth.delta - 1)).toBeLessThan(0.2);
    const atTruth = bgBbLogLikelihoodWithGradient(truth, simulated).value;
    expect(recovered.logLikelihood).toBeGreaterThanOrEqual(atTruth);
  });

  it('is a distribution: likelihoods of all purchase sequences sum to 1 and give P(X(n) = x) and E[X(n)]', () => {
    for (const n of [0, 1, 6, 25]) {
      const all = patterns(n);
      const total = all.reduce((s, c) => s + c.weight! * Math.exp(bgBbLogLikelihood(params, c)), 0);
      expect(total).toBeCloseTo(1, 12);
      let mean = 0;
      for (let x = 0; x <= n; x++) {
        const byPattern = all
          .filter((c) => c.x === x)
          .reduce((s, c) => s + c.weight! * Math.exp(bgBbLogLikelihood(params, c)), 0);
        expect(bgBbProbabilityOfPurchases(params, n, x)).toBeCloseTo(byPattern, 12);
        mean += x * byPattern;
      }
      expect(bgBbExpectedPurchasesNewCustomer(params, n)).toBeCloseTo(mean, 12);
    }
    expect(bgBbProbabilityOfPurchases(params, 6, 7)).toBe(0);
    expect(bgBbProbabilityOfPurchases(params, 6, -1)).toBe(0);
  });

  it('handles x = 0, n = 0 and x = n', () => {
    const { alpha, beta, gamma, delta } = params;
    // n = 0: nothing observed, L = 1, P(alive in period 1) = E[1 - theta], and the forecast is a new customer's.
    expect(bgBbLogLikelihood(params, { x: 0, tx: 0, n: 0 })).toBe(0);
    expect(bgBbProbabilityAlive(params, { x: 0, tx: 0, n: 0 })).toBeCloseTo(
      delta / (gamma + delta),
      14,
    );
    expect(bgBbExpectedPurchases(params, { x: 0, tx: 0, n: 0 }, 7)).toBeCloseTo(
      bgBbExpectedPurchasesNewCustomer(params, 7),
      12,
    );
    // x = 0 over many periods: all but certainly gone, the forecast small but positive and finite.
    const silent = { x: 0, tx: 0, n: 200 };
    expect(bgBbProbabilityAlive(params, silent)).toBeGreaterThan(0);
    expect(bgBbProbabilityAlive(params, silent)).toBeLessThan(0.05);
    expect(bgBbExpectedPurchases(params, silent, 10)).toBeGreaterThan(0);
    // x = n: alive for sure through n, so P(alive in n + 1) is the posterior E[1 - theta] of a survivor.
    expect(bgBbProbabilityAlive(params, { x: 6, tx: 6, n: 6 })).toBeCloseTo(
      (delta + 6) / (gamma + delta + 6),
      12,
    );
    const loyal = bgBbExpectedPurchases(params, { x: 1000, tx: 1000, n: 1000 }, 5);
    expect(loyal).toBeGreaterThan(4.9);
    expect(loyal).toBeLessThan(5);
    expect(bgBbExpectedPurchases(params, { x: 6, tx: 6, n: 6 }, 0)).toBe(0);
    expect(alpha).toBeGreaterThan(0);
    expect(beta).toBeGreaterThan(0);
    expect(() => bgBbLogLikelihood(params, { x: 2, tx: 1, n: 6 })).toThrow(RangeError);
    expect(() => bgBbLogLikelihood(params, { x: 1, tx: 7, n: 6 })).toThrow(RangeError);
    expect(() => bgBbLogLikelihood(params, { x: 0, tx: 3, n: 6 })).toThrow(RangeError);
  });

  it('sums expected alive periods exactly on both sides of gamma = 1 and at it', () => {
    const direct = (gamma: number, delta: number, from: number, periods: number) => {
      let s = 0;
      for (let t = from + 1; t <= from + periods; t++)
        s += Math.exp(
          gammaln(delta + t) - gammaln(gamma + delta + t) + gammaln(gamma + delta) - gammaln(delta),
        );
      return s;
    };
    for (const gamma of [0.3, 0.999, 1 - 1e-9, 1, 1 + 1e-9, 1.0005, 1.002, 3]) {
      for (const [from, periods] of [
        [0, 1],
        [6, 5],
        [0, 40],
        [100, 3],
      ]) {
        const exact = direct(gamma, 2.783, from, periods);
        expect(
          expectedAlivePeriods({ gamma, delta: 2.783 }, from, periods) / exact - 1,
        ).toBeCloseTo(0, 10);
      }
    }
    expect(expectedAlivePeriods(params, 6, 0)).toBe(0);
  });
});
