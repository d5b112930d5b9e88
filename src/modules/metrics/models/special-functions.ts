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
