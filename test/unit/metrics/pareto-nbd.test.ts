import fs from 'node:fs';
import path from 'node:path';
import { toColumns } from '../../../src/modules/metrics/models/bg-nbd';
import {
  fitParetoNbd,
  paretoExpectedPurchases,
  paretoProbabilityAlive,
} from '../../../src/modules/metrics/models/pareto-nbd';

const CDNOW = path.resolve(
  __dirname,
  '../../../../shared/datasets/cdnow/cdnow_customers_summary.csv',
);

describe('Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005)', () => {
  const customers = fs
    .readFileSync(CDNOW, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number))
    .map(([, x, tx, T]) => ({ x, tx, T }));

  it('reproduces the published CDNOW estimates r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0', () => {
    const fit = fitParetoNbd(toColumns(customers));
    expect(fit.params.r).toBeCloseTo(0.55, 1);
    expect(fit.params.alpha).toBeCloseTo(10.58, 0);
    expect(fit.params.s).toBeCloseTo(0.61, 1);
    expect(fit.params.beta / 11.67).toBeGreaterThan(0.9);
    expect(fit.params.beta / 11.67).toBeLessThan(1.1);
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 0);
  });

  it('scores customers sensibly on both sides of alpha = beta and at s = 1', () => {
    const params = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };
    const recent = paretoProbabilityAlive(params, { x: 5, tx: 38, T: 39 });
    const gone = paretoProbabilityAlive(params, { x: 5, tx: 5, T: 39 });
    expect(recent).toBeGreaterThan(0.9);
    expect(gone).toBeLessThan(0.2);
    const swapped = paretoProbabilityAlive(
      { ...params, alpha: 12, beta: 9 },
      { x: 3, tx: 20, T: 39 },
    );
    expect(swapped).toBeGreaterThan(0);
    expect(swapped).toBeLessThan(1);
    const atOne = paretoExpectedPurchases({ ...params, s: 1 }, { x: 2, tx: 30, T: 39 }, 39);
    const nearOne = paretoExpectedPurchases(
      { ...params, s: 1.000001 },
      { x: 2, tx: 30, T: 39 },
      39,
    );
    expect(atOne).toBeCloseTo(nearOne, 4);
    expect(paretoExpectedPurchases(params, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeGreaterThan(0.5);
  });
});
