import {
  coverageSteps,
  decileCalibration,
  normalisedGini,
} from '../../../src/modules/metrics/models/holdout-calibration';
import { CountPmf } from '../../../src/modules/metrics/models/purchase-count';
import { runSteps } from '../../../src/modules/metrics/models/optimise';

describe('holdout calibration', () => {
  it('cuts customers into ten deciles of the prediction, as equal as possible, with their means', () => {
    const predicted = Array.from({ length: 25 }, (_, i) => 24 - i); // descending: sorting must reverse it
    const actual = predicted.map((p) => 2 * p);
    const deciles = decileCalibration(predicted, actual);
    expect(deciles.map((d) => d.customers)).toEqual([3, 2, 3, 2, 3, 2, 3, 2, 3, 2]);
    expect(deciles[0]).toEqual({ decile: 1, customers: 3, predicted: 1, actual: 2 });
    expect(deciles[9]).toEqual({ decile: 10, customers: 2, predicted: 23.5, actual: 47 });
    expect(decileCalibration([1, 2], [0, 1]).map((d) => d.decile)).toEqual([1, 6]);
  });

  it('scores a perfect ranking 1, a reversed one below 0 and a constant prediction 0 (ties taken together)', () => {
    const actual = [0, 0, 1, 3, 10];
    expect(normalisedGini([1, 2, 3, 4, 5], actual)).toBeCloseTo(1, 12);
    expect(normalisedGini([5, 4, 3, 2, 1], actual)!).toBeLessThan(0);
    expect(normalisedGini([7, 7, 7, 7, 7], actual)).toBeCloseTo(0, 12);
    // Only the order counts, not the scale of the prediction.
    expect(normalisedGini([1, 2, 3, 40, 50], actual)).toBeCloseTo(1, 12);
    // Swapping the two largest: below 1, above 0.
    const swapped = normalisedGini([1, 2, 3, 5, 4], actual)!;
    expect(swapped).toBeGreaterThan(0);
    expect(swapped).toBeLessThan(1);
    expect(normalisedGini([1, 2], [0, 0])).toBeNull();
  });

  it('counts the customers whose actual count lies inside their interval', () => {
    const pmf = (probabilities: number[]): CountPmf => {
      let n = 0;
      return {
        next: () => probabilities[n++] ?? 0,
        cdf: (k) => probabilities.slice(0, k + 1).reduce((s, p) => s + p, 0),
      };
    };
    // Interval [1, 3] for each customer (P: 0.05, 0.05, 0.5, 0.3, 0.1).
    const actual = [0, 1, 2, 3, 4];
    const coverage = runSteps(
      coverageSteps(
        actual.length,
        () => [pmf([0.05, 0.05, 0.5, 0.3, 0.1])],
        (i) => actual[i],
      ),
    );
    expect(coverage).toBe(3 / 5);
  });
});
