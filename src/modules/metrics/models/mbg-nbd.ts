/**
 * Modified BG/NBD purchase model (MBG/NBD): Batislam, Denizel & Filiztekin (2007), "Empirical validation and
 * comparison of models for customer base analysis", International Journal of Research in Marketing 24(3),
 * with the conditional expectation as corrected by Wagner & Hoppe (2008), "Erratum on the MBG/NBD model",
 * IJRM 25(3). Cross-checked against lifetimes' ModifiedBetaGeoFitter and BTYDplus' mbgcnbd (k = 1).
 *
 * The story is BG/NBD's except that a customer may drop out with probability p at time 0, right after the
 * first purchase, as well as after every repeat purchase: so P(alive | x = 0) < 1 and decays with silence.
 * Purchases at rate lambda ~ Gamma(r, alpha) while alive; p ~ Beta(a, b). Same summary (x, tx, T) and time
 * units as BG/NBD (bg-nbd.ts).
 */
import { digamma, gammaln, logHyp2f1 } from './special-functions';
import { maximiseLogLikelihoodSteps, runSteps } from './optimise';
import { toColumns } from './bg-nbd';
import type { PurchaseSummary, SummaryColumns } from './bg-nbd';

export interface MbgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * ln of the odds that a customer with this history has dropped out, against alive:
 * a / (b + x) * ((alpha + T) / (alpha + tx))^(r + x). Finite for x = 0 and T = 0 (then ln(a / b)).
 */
function logOddsDead({ r, alpha, a, b }: MbgNbdParams, { x, tx, T }: PurchaseSummary): number {
  return Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** ln(1 + e^z) without overflow. */
function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Individual log-likelihood, in log space:
 * L = B(a, b + x + 1) / B(a, b) * Gamma(r + x) alpha^r / Gamma(r) * [(alpha + T)^-(r+x) + a / (b + x) (alpha + tx)^-(r+x)].
 */
export function mbgNbdLogLikelihood(params: MbgNbdParams, customer: PurchaseSummary): number {
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  const lnA1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const lnA2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1);
  const lnA3 = -(r + x) * Math.log(alpha + T);
  return lnA1 + lnA2 + lnA3 + log1pExp(logOddsDead(params, customer));
}

/**
 * Sum of weighted log-likelihoods and its analytic gradient in (r, alpha, a, b). As for BG/NBD the gamma and
 * digamma terms depend on x only and are computed once per distinct x.
 */
export function mbgNbdLogLikelihoodWithGradient(
  params: MbgNbdParams,
  data: SummaryColumns | PurchaseSummary[],
): { value: number; gradient: number[] } {
  const { x, tx, T, weight } = Array.isArray(data) ? toColumns(data) : data;
  const { r, alpha, a, b } = params;
  const perX = new Map<number, { lnA12: number; dr: number; da: number; db: number }>();
  const base = {
    lnA: -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b),
    psiR: digamma(r),
    psiAB: digamma(a + b),
    psiB: digamma(b),
  };
  const logAlpha = Math.log(alpha);
  const logA = Math.log(a);
  let value = 0;
  let gr = 0,
    gAlpha = 0,
    ga = 0,
    gb = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    let k = perX.get(xi);
    if (!k) {
      const psiABX = digamma(a + b + xi + 1);
      k = {
        lnA12: base.lnA + gammaln(r + xi) + gammaln(b + xi + 1) - gammaln(a + b + xi + 1),
        dr: digamma(r + xi) - base.psiR + logAlpha,
        da: base.psiAB - psiABX,
        db: base.psiAB + digamma(b + xi + 1) - base.psiB - psiABX,
      };
      perX.set(xi, k);
    }
    const w = weight[i];
    const rx = r + xi;
    const logAT = Math.log(alpha + T[i]);
    const logATx = Math.log(alpha + tx[i]);
    // ln[e3 + e4] with e3 = (alpha+T)^-(r+x) and e4 = a/(b+x) (alpha+tx)^-(r+x); share4 = e4 / (e3 + e4).
    const lnA3 = -rx * logAT;
    const d = logA - Math.log(b + xi) + rx * (logAT - logATx);
    let lse: number;
    let share4: number;
    if (d > 0) {
      const e = Math.exp(-d);
      lse = lnA3 + d + Math.log1p(e);
      share4 = 1 / (1 + e);
    } else {
      const e = Math.exp(d);
      lse = lnA3 + Math.log1p(e);
      share4 = e / (1 + e);
    }
    const share3 = 1 - share4;
    value += w * (k.lnA12 + lse);
    gr += w * (k.dr - share3 * logAT - share4 * logATx);
    gAlpha += w * (r / alpha - (share3 * rx) / (alpha + T[i]) - (share4 * rx) / (alpha + tx[i]));
    ga += w * (k.da + share4 / a);
    gb += w * (k.db - share4 / (b + xi));
  }
  return { value, gradient: [gr, gAlpha, ga, gb] };
}

/** Maximum-likelihood fit, in log-parameters so every parameter stays positive. */
export function fitMbgNbd(
  customers: PurchaseSummary[] | SummaryColumns,
  start: MbgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 },
) {
  return runSteps(fitMbgNbdSteps(customers, start));
}

/** The same fit in steps of one optimiser iteration; time is scaled as in fitBgNbdSteps. */
export function* fitMbgNbdSteps(
  customers: PurchaseSummary[] | SummaryColumns,
  start: MbgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 },
) {
  const columns = Array.isArray(customers) ? toColumns(customers) : customers;
  let longest = 0;
  for (const t of columns.T) longest = Math.max(longest, t);
  const scale = longest > 0 ? 1 / longest : 1;
  const data = {
    ...columns,
    tx: columns.tx.map((t) => t * scale),
    T: columns.T.map((t) => t * scale),
  };
  const toScaledParams = (theta: number[]): MbgNbdParams => ({
    r: Math.exp(theta[0]),
    alpha: Math.exp(theta[1]),
    a: Math.exp(theta[2]),
    b: Math.exp(theta[3]),
  });
  const result = yield* maximiseLogLikelihoodSteps(
    (theta) => {
      const p = toScaledParams(theta);
      const { value, gradient } = mbgNbdLogLikelihoodWithGradient(p, data);
      return {
        value,
        gradient: [gradient[0] * p.r, gradient[1] * p.alpha, gradient[2] * p.a, gradient[3] * p.b],
      };
    },
    [Math.log(start.r), Math.log(start.alpha * scale), Math.log(start.a), Math.log(start.b)],
  );
  const params = { ...toScaledParams(result.theta), alpha: Math.exp(result.theta[1]) / scale };
  // Rescaling time shifts the log-likelihood by a constant, so it is evaluated again on the original times.
  const logLikelihood = mbgNbdLogLikelihoodWithGradient(params, columns).value;
  return {
    params,
    logLikelihood,
    theta: [result.theta[0], result.theta[1] - Math.log(scale), result.theta[2], result.theta[3]],
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** P(alive | x, tx, T) (Batislam et al. 2007, Appendix A, Eq. 5); below 1 for x = 0 too: b / (a + b) at T = 0. */
export function mbgProbabilityAlive(params: MbgNbdParams, customer: PurchaseSummary): number {
  return 1 / (1 + Math.exp(logOddsDead(params, customer)));
}

/**
 * a = 1 is a removable singularity of both expectations ((a - 1) divides a bracket that is then 0): there the
 * value is the mean of the two sides, as for BG/NBD.
 */
function nearOne(params: MbgNbdParams, evaluate: (p: MbgNbdParams) => number): number | null {
  if (Math.abs(params.a - 1) >= 1e-7) return null;
  const h = 1e-4;
  return (evaluate({ ...params, a: 1 - h }) + evaluate({ ...params, a: 1 + h })) / 2;
}

/** E[X(t)] for a new customer over t: b / (a - 1) * [1 - (alpha / (alpha + t))^r 2F1(r, b + 1; a + b; t / (alpha + t))]. */
export function mbgExpectedPurchasesNewCustomer(params: MbgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t <= 0) return 0;
  const limit = nearOne(params, (p) => mbgExpectedPurchasesNewCustomer(p, t));
  if (limit !== null) return limit;
  const logPower = r * (Math.log(alpha) - Math.log(alpha + t));
  const logHyp = logHyp2f1(r, b + 1, a + b, t / (alpha + t));
  return (b / (a - 1)) * -Math.expm1(logPower + logHyp);
}

/**
 * E[Y(t) | x, tx, T]: expected purchases in the next t (Wagner & Hoppe 2008):
 * (a + b + x) / (a - 1) * [1 - ((alpha + T) / (alpha + T + t))^(r+x) 2F1(r + x, b + x + 1; a + b + x; z)] * P(alive),
 * z = t / (alpha + T + t).
 */
export function mbgExpectedPurchases(
  params: MbgNbdParams,
  customer: PurchaseSummary,
  t: number,
): number {
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  if (t <= 0) return 0;
  const limit = nearOne(params, (p) => mbgExpectedPurchases(p, customer, t));
  if (limit !== null) return limit;
  const logPower = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  const logHyp = logHyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t));
  // 1 - power * 2F1 can lose every digit when the product is near 1: expm1 keeps them.
  const bracket = -Math.expm1(logPower + logHyp);
  return ((a + b + x) / (a - 1)) * bracket * mbgProbabilityAlive(params, customer);
}

/**
 * P(X(t) = n) for a new customer over t: alive throughout with n purchases, or dropped out (at time 0 or after
 * the n-th purchase) having made n in the time it was alive:
 * B(a, b + n + 1) / B(a, b) NBD(n; r, alpha, t) + B(a + 1, b + n) / B(a, b) * P(NBD(r, alpha, t) >= n).
 */
export function mbgProbabilityOfPurchases(
  { r, alpha, a, b }: MbgNbdParams,
  t: number,
  n: number,
): number {
  const lnBeta = (p: number, q: number) => gammaln(p) + gammaln(q) - gammaln(p + q);
  if (t <= 0) return n === 0 ? 1 : 0;
  const logP0 = r * (Math.log(alpha) - Math.log(alpha + t));
  const logQ = Math.log(t) - Math.log(alpha + t);
  const logNbd = (j: number) => gammaln(r + j) - gammaln(r) - gammaln(j + 1) + logP0 + j * logQ;
  const first = Math.exp(lnBeta(a, b + n + 1) - lnBeta(a, b) + logNbd(n));
  // P(NBD >= n) = 1 - sum of the first n NBD probabilities; clamped at 0 against rounding.
  let below = 0;
  for (let j = 0; j < n; j++) below += Math.exp(logNbd(j));
  const second = Math.exp(lnBeta(a + 1, b + n) - lnBeta(a, b)) * Math.max(0, 1 - below);
  return first + second;
}
