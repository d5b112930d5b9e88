import {
  logHyp2f1,
  logHyp2f1AOne,
  logHyp2f1AOneByQuadrature,
} from '../../../src/modules/metrics/models/special-functions';

/**
 * ln 2F1(a, b; a + 1; z) by mpmath 1.3 at 50 digits (`mp.log(mp.hyp2f1(a, b, a + 1, mp.mpf(z)))`, z the same double),
 * from ordinary arguments to those of a Pareto/NBD fit wandering toward huge α, β or r, where z nears 1.
 */
const REFERENCE: [number, number, number, number][] = [
  [10, 5, 0.5, 3.1009138280718487],
  [10, 5, 0.99, 19.31743629078499],
  [10, 5, 0.9999999, 65.3886731378129],
  [0.3, 1.2, 0.999999, 3.145197168327483],
  [0.3, 1.2, 0.7, 0.3263030374436777],
  [40000.0, 3.0, 0.999999, 37.49832878408878],
  [2.5, 1000.5, 0.999, 6898.311435917155],
  [2.5, 1000.5, 0.999999999, 20706.91326787466],
  [1.7, 0.4, 0.999999999999, 0.6788648660961987],
  [50.2, 12.7, 0.9999, 109.21704880569058],
  [0.05, 1.0001, 0.99999, 0.45235962668493523],
  [1237321.224917912, 1.0359861547559155, 0.999996383960933, 12.79985264452591],
];

describe('ln 2F1(a, b; a + 1; z), the Pareto/NBD hypergeometric', () => {
  it.each(REFERENCE)(
    'a = %p, b = %p, z = %p: the quadrature agrees with mpmath to 1e-14',
    (a, b, z, ref) => {
      expect(Math.abs(logHyp2f1AOneByQuadrature(a, b, z) - ref)).toBeLessThanOrEqual(
        1e-14 * Math.abs(ref),
      );
      expect(Math.abs(logHyp2f1AOne(a, b, z) - ref)).toBeLessThanOrEqual(1e-14 * Math.abs(ref));
    },
  );

  it('is where the series fails: near z = 1 the truncated series was off by a third', () => {
    const [a, b, z, ref] = REFERENCE[2];
    expect(Math.abs(logHyp2f1(a, b, a + 1, z) - ref) / ref).toBeGreaterThan(0.1);
    expect(logHyp2f1AOne(a, b, z)).toBeCloseTo(ref, 12);
  });

  it('takes the series where it is short, and agrees with the quadrature there', () => {
    for (const [a, b, z] of [
      [0.55, 1.6, 0.05],
      [12.3, 3.4, 0.3],
      [3.2, 0.7, 0.9],
    ]) {
      expect(logHyp2f1AOne(a, b, z)).toBe(logHyp2f1(a, b, a + 1, z));
      expect(Math.abs(logHyp2f1AOneByQuadrature(a, b, z) - logHyp2f1(a, b, a + 1, z))).toBeLessThan(
        1e-14,
      );
    }
  });
});
