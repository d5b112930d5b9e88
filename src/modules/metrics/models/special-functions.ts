import gammaln from '@stdlib/math-base-special-gammaln';
import digamma from '@stdlib/math-base-special-digamma';

export { gammaln, digamma };

/** ln(exp(a) + exp(b)) without overflow. */
export function logSumExp(a: number, b: number): number {
  const max = Math.max(a, b);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}

/**
 * ln 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1. Every term of the series is positive here, so it is
 * summed directly, term by term, until a term no longer changes the sum; when the terms grow past 1e250
 * (customers with thousands of purchases) the sum restarts in log space, which cannot overflow.
 * Hand-written: no maintained JavaScript library offers 2F1, let alone in log space.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 0;
  if (!(z > 0 && z < 1)) throw new RangeError(`logHyp2f1 needs 0 <= z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    if (term > 1e250) return logHyp2f1LogSpace(a, b, c, z);
    sum += term;
    if (term < 1e-17 * sum && (a + n) * (b + n) * z < (c + n) * (n + 1)) return Math.log(sum);
  }
  return Math.log(sum);
}

function logHyp2f1LogSpace(a: number, b: number, c: number, z: number): number {
  let logTerm = 0;
  let logSum = 0;
  const logZ = Math.log(z);
  for (let n = 0; n < 10_000_000; n++) {
    logTerm += Math.log(a + n) + Math.log(b + n) - Math.log(c + n) - Math.log(n + 1) + logZ;
    const next = logSumExp(logSum, logTerm);
    if (next - logSum < 1e-17 && (a + n) * (b + n) * z < (c + n) * (n + 1)) return next;
    logSum = next;
  }
  return logSum;
}

/** ln σ(x) = −ln(1 + e^{−x}), accurate for every x. */
const logSigmoid = (x: number) =>
  x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));

/**
 * ln 2F1(a, b; a + 1; z) for a, b > 0 and 0 <= z < 1: the hypergeometric function of the Pareto/NBD likelihood.
 * Its series needs about (b + 40) / (1 − z) terms (used up to 1,000), millions when z nears 1 (a fit wandering toward huge α or β), so
 * there it is computed from its integral instead: 2F1(a, b; a+1; z) = a z^−a ∫_0^Y (1 − e^−y)^(a−1) e^((b−1)y) dy with
 * Y = −ln(1 − z) (substitute 1 − z t = e^−y in Euler's integral a ∫_0^1 t^(a−1) (1 − z t)^−b dt), by tanh-sinh
 * quadrature in log space, which takes the endpoint singularity (a < 1) and the peak at Y (large b) in its stride;
 * step halved until two estimates agree to 1e-14. A few thousand evaluations at most, whatever z.
 */
export function logHyp2f1AOne(a: number, b: number, z: number): number {
  if (z === 0) return 0;
  if (!(z > 0 && z < 1)) throw new RangeError(`logHyp2f1AOne needs 0 <= z < 1, got ${z}`);
  if ((Math.abs(b) + 40) / (1 - z) <= 1000) return logHyp2f1(a, b, a + 1, z);
  return logHyp2f1AOneByQuadrature(a, b, z);
}

/** The quadrature of logHyp2f1AOne, for any z in (0, 1) (exported for its tests). */
export function logHyp2f1AOneByQuadrature(a: number, b: number, z: number): number {
  const Y = -Math.log1p(-z);
  const logY = Math.log(Y);
  // ln of integrand × dy/dt at t: y = Y σ(2u), Y − y = Y σ(−2u), u = (π/2) sinh t.
  const logTerm = (t: number) => {
    const u = (Math.PI / 2) * Math.sinh(t);
    const logLow = logY + logSigmoid(2 * u); // ln y
    const logHigh = logY + logSigmoid(-2 * u); // ln (Y − y)
    const y = Math.exp(logLow);
    // ln(1 − e^−y), accurate at both ends: near 0 from ln y, far from it by log1p (with a ≈ 1e6 the factor
    // (a − 1) multiplies its rounding error).
    const log1mExp =
      y < 1e-8
        ? logLow - y / 2
        : y < Math.LN2
          ? Math.log(-Math.expm1(-y))
          : Math.log1p(-Math.exp(-y));
    const logJacobian = Math.log(Math.PI) + logLow + logHigh - logY + Math.log(Math.cosh(t));
    return (a - 1) * log1mExp + (b - 1) * y + logJacobian;
  };
  const T = 6.5; // beyond it the nodes sit closer to an end than a double can tell
  let logSum = logTerm(0);
  for (let k = 1; k * 0.5 <= T; k++)
    logSum = logSumExp(logSum, logSumExp(logTerm(k * 0.5), logTerm(-k * 0.5)));
  let h = 0.5;
  let estimate = logSum + Math.log(h);
  for (let level = 0; level < 12; level++) {
    // Halve the step: add the new midpoints to the sum.
    h /= 2;
    for (let t = h; t <= T; t += 2 * h)
      logSum = logSumExp(logSum, logSumExp(logTerm(t), logTerm(-t)));
    const next = logSum + Math.log(h);
    if (Math.abs(next - estimate) < 1e-14 * Math.max(1, Math.abs(next))) {
      estimate = next;
      break;
    }
    estimate = next;
  }
  return Math.log(a) - a * Math.log(z) + estimate;
}

/**
 * I_x(a, b), the regularised incomplete beta function, by its continued fraction (modified Lentz; Numerical Recipes,
 * 3rd ed., §6.4), on the side of x where it converges fast; the front factor in log space, so huge a and b are fine.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const logFront =
    a * Math.log(x) + b * Math.log1p(-x) - (gammaln(a) + gammaln(b) - gammaln(a + b));
  if (x < (a + 1) / (a + b + 2)) return Math.exp(logFront - Math.log(a)) * betaFraction(x, a, b);
  return 1 - Math.exp(logFront - Math.log(b)) * betaFraction(1 - x, b, a);
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const clamp = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 1_000_000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}
