import fs from 'node:fs';
import path from 'node:path';
import {
  expectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihoodWithGradient,
  GammaGammaParams,
  SpendSummary,
} from '../../../src/modules/metrics/models/gamma-gamma';
import { Random } from '../../../src/common/random';

const CDNOW = path.resolve(
  __dirname,
  '../../../../shared/datasets/cdnow/cdnow_customers_summary_with_transactions.csv',
);

function cdnowSpend(): SpendSummary[] {
  return fs
    .readFileSync(CDNOW, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number))
    .map(([, x, , , zbar]) => ({ x, mBar: zbar }));
}

describe('Gamma-Gamma spend model (Fader & Hardie 2013)', () => {
  it('reproduces the published CDNOW estimates p = 6.25, q = 3.74, gamma = 15.44', () => {
    const fit = fitGammaGamma(cdnowSpend());
    expect(fit.converged).toBe(true);
    expect(fit.params.p).toBeCloseTo(6.25, 1);
    expect(fit.params.q).toBeCloseTo(3.74, 1);
    expect(fit.params.gamma).toBeCloseTo(15.44, 0);
  });

  it('has an analytic gradient that matches finite differences', () => {
    const customers = cdnowSpend();
    const at: GammaGammaParams = { p: 5, q: 3, gamma: 12 };
    const { gradient } = gammaGammaLogLikelihoodWithGradient(at, customers);
    (['p', 'q', 'gamma'] as const).forEach((name, i) => {
      const h = 1e-6 * at[name];
      const up = gammaGammaLogLikelihoodWithGradient(
        { ...at, [name]: at[name] + h },
        customers,
      ).value;
      const down = gammaGammaLogLikelihoodWithGradient(
        { ...at, [name]: at[name] - h },
        customers,
      ).value;
      expect(gradient[i]).toBeCloseTo((up - down) / (2 * h), 3);
    });
  });

  it('recovers known parameters from simulated spend', () => {
    const truth = { p: 6, q: 4, gamma: 16 };
    const rng = new Random(11);
    const customers = Array.from({ length: 20_000 }, () => {
      const x = rng.int(1, 12);
      const nu = rng.gamma(truth.q, 1 / truth.gamma);
      let total = 0;
      for (let i = 0; i < x; i++) total += rng.gamma(truth.p, 1 / nu);
      return { x, mBar: total / x };
    });
    const { params } = fitGammaGamma(customers);
    expect(params.p / truth.p).toBeGreaterThan(0.9);
    expect(params.p / truth.p).toBeLessThan(1.1);
    expect(params.q / truth.q).toBeGreaterThan(0.85);
    expect(params.q / truth.q).toBeLessThan(1.15);
    expect(params.gamma / truth.gamma).toBeGreaterThan(0.8);
    expect(params.gamma / truth.gamma).toBeLessThan(1.2);
  });

  it('shrinks a customer’s mean spend toward the population mean, less so with more purchases', () => {
    const params = { p: 6.25, q: 3.74, gamma: 15.44 };
    const population = (6.25 * 15.44) / 2.74;
    expect(expectedAverageSpend(params, { x: 0, mBar: 0 })).toBeCloseTo(population, 10);
    const one = expectedAverageSpend(params, { x: 1, mBar: 100 });
    const ten = expectedAverageSpend(params, { x: 10, mBar: 100 });
    expect(one).toBeGreaterThan(population);
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(100);
  });
});
