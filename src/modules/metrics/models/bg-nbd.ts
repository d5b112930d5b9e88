/**
 * BG/NBD purchase model: Fader, Hardie & Lee (2005), "Counting your customers the easy way",
 * Marketing Science 24(2). Equation numbers refer to that paper and to Fader, Hardie & Lee's note
 * "Computing P(alive) using the BG/NBD model" (2008).
 *
 * Units: time is in whatever unit the summary uses (weeks or days); r, a, b are unitless and alpha is
 * in that time unit. A customer is summarised as x = repeat purchases, tx = time of the last purchase
 * (recency), T = time since the first purchase, all measured from the first purchase.
 */
import { digamma, gammaln, logHyp2f1, logSumExp } from './special-functions';
import { maximiseLogLikelihood } from './optimise';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface PurchaseSummary {
  /** Repeat purchases (purchase days after the first). */
  x: number;
  /** Time from the first to the last purchase. */
  tx: number;
  /** Time from the first purchase to the end of observation. */
  T: number;
  /** How many customers share this (x, tx, T); default 1. */
  weight?: number;
}

interface Terms {
  lnA1: number; lnA2: number; lnA3: number; lnA4: number; ll: number;
}

function terms({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseSummary): Terms {
  const lnA1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const lnA2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x);
  const lnA3 = -(r + x) * Math.log(alpha + T);
  const lnA4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return { lnA1, lnA2, lnA3, lnA4, ll: lnA1 + lnA2 + logSumExp(lnA3, lnA4) };
}

/** Individual log-likelihood (Eq. 6, in log space). */
export function bgNbdLogLikelihood(params: BgNbdParams, customer: PurchaseSummary): number {
  return terms(params, customer).ll;
}

/** Sum of weighted log-likelihoods and its analytic gradient in (r, alpha, a, b). */
export function bgNbdLogLikelihoodWithGradient(params: BgNbdParams, customers: PurchaseSummary[]): { value: number; gradient: number[] } {
  const { r, alpha, a, b } = params;
  let value = 0;
  const g = [0, 0, 0, 0];
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  for (const c of customers) {
    const w = c.weight ?? 1;
    const t = terms(params, c);
    value += w * t.ll;
    const share4 = c.x > 0 ? Math.exp(t.lnA4 - logSumExp(t.lnA3, t.lnA4)) : 0;
    const share3 = 1 - share4;
    const rx = r + c.x;
    const dr = digamma(rx) - psiR + Math.log(alpha) - share3 * Math.log(alpha + c.T) - share4 * (c.x > 0 ? Math.log(alpha + c.tx) : 0);
    const dAlpha = r / alpha - share3 * rx / (alpha + c.T) - share4 * (c.x > 0 ? rx / (alpha + c.tx) : 0);
    const psiABX = digamma(a + b + c.x);
    const da = psiAB - psiABX + share4 / a;
    const db = psiAB + digamma(b + c.x) - psiB - psiABX - (c.x > 0 ? share4 / (b + c.x - 1) : 0);
    g[0] += w * dr; g[1] += w * dAlpha; g[2] += w * da; g[3] += w * db;
  }
  return { value, gradient: g };
}

/** Maximum-likelihood fit, in log-parameters so every parameter stays positive. */
export function fitBgNbd(customers: PurchaseSummary[], start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 }) {
  const toParams = (theta: number[]): BgNbdParams => ({ r: Math.exp(theta[0]), alpha: Math.exp(theta[1]), a: Math.exp(theta[2]), b: Math.exp(theta[3]) });
  const result = maximiseLogLikelihood((theta) => {
    const p = toParams(theta);
    const { value, gradient } = bgNbdLogLikelihoodWithGradient(p, customers);
    // Chain rule for the log-parameters.
    return { value, gradient: [gradient[0] * p.r, gradient[1] * p.alpha, gradient[2] * p.a, gradient[3] * p.b] };
  }, [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)]);
  return { params: toParams(result.theta), logLikelihood: result.value, iterations: result.iterations, converged: result.converged };
}

/** P(alive | x, tx, T) (FHL 2008, Eq. 2). */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseSummary): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/** E[X(t)] for a new customer over t (Eq. 7). */
export function expectedPurchasesNewCustomer({ r, alpha, a, b }: BgNbdParams, t: number): number {
  if (t === 0) return 0;
  const z = t / (alpha + t);
  const hyp = Math.exp(logHyp2f1(r, b, a + b - 1, z));
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp);
}

/** E[Y(t) | x, tx, T]: expected purchases in the next t (Eq. 10). */
export function expectedPurchases(params: BgNbdParams, customer: PurchaseSummary, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const logHyp = logHyp2f1(r + x, b + x, a + b + x - 1, z);
  const logPower = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  // 1 - power * 2F1 can lose every digit when the product is near 1: expm1 keeps them.
  const bracket = -Math.expm1(logPower + logHyp);
  const aliveFactor = x > 0 ? 1 + Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1;
  return ((a + b + x - 1) / (a - 1)) * bracket / aliveFactor;
}

/** P(X(t) = n) for a new customer over t (Eq. 8). */
export function probabilityOfPurchases({ r, alpha, a, b }: BgNbdParams, t: number, n: number): number {
  const lnBeta = (p: number, q: number) => gammaln(p) + gammaln(q) - gammaln(p + q);
  const lnGammaRatio = gammaln(r + n) - gammaln(r) - gammaln(n + 1);
  const first = lnBeta(a, b + n) - lnBeta(a, b) + lnGammaRatio + r * Math.log(alpha / (alpha + t)) + n * Math.log(t / (alpha + t));
  if (n === 0) return Math.exp(first);
  // Second term: the sum over j < n of the NBD probabilities, times P(dropped out after the n-th).
  let sum = 0;
  for (let j = 0; j < n; j++) {
    sum += Math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * Math.log(alpha / (alpha + t)) + j * Math.log(t / (alpha + t)));
  }
  const second = Math.exp(lnBeta(a + 1, b + n - 1) - lnBeta(a, b)) * (1 - sum);
  return Math.exp(first) + second;
}
