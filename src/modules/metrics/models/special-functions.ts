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
 * ln 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1, summed in log space so that it stays finite for the
 * large a and b that customers with thousands of purchases produce. Every term is positive here, so the
 * series is a sum of positive terms; it runs until a term no longer changes the sum in double precision.
 * Hand-written: no maintained JavaScript library offers a log-space 2F1.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 0;
  if (!(z > 0 && z < 1)) throw new RangeError(`logHyp2f1 needs 0 <= z < 1, got ${z}`);
  let logTerm = 0;
  let logSum = 0;
  const logZ = Math.log(z);
  for (let n = 0; n < 1_000_000; n++) {
    logTerm += Math.log(a + n) + Math.log(b + n) - Math.log(c + n) - Math.log(n + 1) + logZ;
    const next = logSumExp(logSum, logTerm);
    // The ratio of terms tends to z < 1; once past the peak and negligible, the tail is below eps.
    if (next - logSum < 1e-17 && (a + n) * (b + n) / ((c + n) * (n + 1)) < 1) return next;
    logSum = next;
  }
  return logSum;
}
