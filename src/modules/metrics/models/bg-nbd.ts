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
import { maximiseLogLikelihoodSteps, runSteps } from './optimise';

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
  lnA1: number;
  lnA2: number;
  lnA3: number;
  lnA4: number;
  ll: number;
}

function terms({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseSummary): Terms {
  const lnA1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const lnA2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x);
  const lnA3 = -(r + x) * Math.log(alpha + T);
  const lnA4 =
    x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return { lnA1, lnA2, lnA3, lnA4, ll: lnA1 + lnA2 + logSumExp(lnA3, lnA4) };
}

/** Individual log-likelihood (Eq. 6, in log space). */
export function bgNbdLogLikelihood(params: BgNbdParams, customer: PurchaseSummary): number {
  return terms(params, customer).ll;
}

/** Customers as columns: the fit touches every one of them on every iteration. */
export interface SummaryColumns {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
}

/**
 * Customers as columns. By default customers with the same (x, tx, T) become one weighted row: real
 * bases, summarised in whole days, have many.
 */
export function toColumns(
  customers: PurchaseSummary[],
  options: { group: boolean } = { group: true },
): SummaryColumns {
  if (!options.group) {
    return {
      x: Float64Array.from(customers, (c) => c.x),
      tx: Float64Array.from(customers, (c) => c.tx),
      T: Float64Array.from(customers, (c) => c.T),
      weight: Float64Array.from(customers, (c) => c.weight ?? 1),
    };
  }
  const index = new Map<string, number>();
  const rows: PurchaseSummary[] = [];
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, rows.length);
      rows.push({ ...c, weight: c.weight ?? 1 });
    } else rows[at].weight! += c.weight ?? 1;
  }
  return {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.tx),
    T: Float64Array.from(rows, (r) => r.T),
    weight: Float64Array.from(rows, (r) => r.weight!),
  };
}

/**
 * Sum of weighted log-likelihoods and its analytic gradient in (r, alpha, a, b). The gamma and digamma
 * terms depend on x only, so they are computed once per distinct x, not once per customer.
 */
export function bgNbdLogLikelihoodWithGradient(
  params: BgNbdParams,
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
      const psiABX = digamma(a + b + xi);
      k = {
        lnA12: base.lnA + gammaln(r + xi) + gammaln(b + xi) - gammaln(a + b + xi),
        dr: digamma(r + xi) - base.psiR + logAlpha,
        da: base.psiAB - psiABX,
        db: base.psiAB + digamma(b + xi) - base.psiB - psiABX,
      };
      perX.set(xi, k);
    }
    const w = weight[i];
    const rx = r + xi;
    const logAT = Math.log(alpha + T[i]);
    const lnA3 = -rx * logAT;
    let lse = lnA3;
    let share4 = 0;
    let logATx = 0;
    if (xi > 0) {
      logATx = Math.log(alpha + tx[i]);
      const lnA4 = logA - Math.log(b + xi - 1) - rx * logATx;
      // log-sum-exp with one exp: share4 = e4 / (e3 + e4) = 1 / (1 + exp(lnA3 - lnA4)).
      const d = lnA3 - lnA4;
      if (d > 0) {
        const e = Math.exp(-d);
        lse = lnA3 + Math.log1p(e);
        share4 = e / (1 + e);
      } else {
        const e = Math.exp(d);
        lse = lnA4 + Math.log1p(e);
        share4 = 1 / (1 + e);
      }
    }
    const share3 = 1 - share4;
    value += w * (k.lnA12 + lse);
    gr += w * (k.dr - share3 * logAT - share4 * logATx);
    gAlpha +=
      w *
      (r / alpha - (share3 * rx) / (alpha + T[i]) - (xi > 0 ? (share4 * rx) / (alpha + tx[i]) : 0));
    ga += w * (k.da + share4 / a);
    gb += w * (k.db - (xi > 0 ? share4 / (b + xi - 1) : 0));
  }
  return { value, gradient: [gr, gAlpha, ga, gb] };
}

/** Maximum-likelihood fit, in log-parameters so every parameter stays positive. */
export function fitBgNbd(
  customers: PurchaseSummary[] | SummaryColumns,
  start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 },
) {
  return runSteps(fitBgNbdSteps(customers, start));
}

/** The same fit in steps of one optimiser iteration. */
export function* fitBgNbdSteps(
  customers: PurchaseSummary[] | SummaryColumns,
  start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 },
) {
  const columns = Array.isArray(customers) ? toColumns(customers) : customers;
  // Time in units of the longest observation, as lifetimes does: the fit is then well conditioned
  // whatever the unit; alpha is scaled back at the end.
  let longest = 0;
  for (const t of columns.T) longest = Math.max(longest, t);
  const scale = longest > 0 ? 1 / longest : 1;
  const data = {
    ...columns,
    tx: columns.tx.map((t) => t * scale),
    T: columns.T.map((t) => t * scale),
  };
  const scaled = { ...start, alpha: start.alpha * scale };
  const toScaledParams = (theta: number[]): BgNbdParams => ({
    r: Math.exp(theta[0]),
    alpha: Math.exp(theta[1]),
    a: Math.exp(theta[2]),
    b: Math.exp(theta[3]),
  });
  const toParams = (theta: number[]): BgNbdParams => ({
    ...toScaledParams(theta),
    alpha: Math.exp(theta[1]) / scale,
  });
  const result = yield* maximiseLogLikelihoodSteps(
    (theta) => {
      const p = toScaledParams(theta);
      const { value, gradient } = bgNbdLogLikelihoodWithGradient(p, data);
      // Chain rule for the log-parameters.
      return {
        value,
        gradient: [gradient[0] * p.r, gradient[1] * p.alpha, gradient[2] * p.a, gradient[3] * p.b],
      };
    },
    [Math.log(scaled.r), Math.log(scaled.alpha), Math.log(scaled.a), Math.log(scaled.b)],
  );
  // Rescaling time shifts the log-likelihood by a constant, so it is evaluated again on the original times.
  const params = toParams(result.theta);
  const logLikelihood = bgNbdLogLikelihoodWithGradient(params, columns).value;
  const thetaInTime = [
    result.theta[0],
    result.theta[1] - Math.log(scale),
    result.theta[2],
    result.theta[3],
  ];
  return {
    params,
    logLikelihood,
    theta: thetaInTime,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** P(alive | x, tx, T) (FHL 2008, Eq. 2). */
export function probabilityAlive(
  { r, alpha, a, b }: BgNbdParams,
  { x, tx, T }: PurchaseSummary,
): number {
  if (x === 0) return 1;
  const logOdds =
    Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * a = 1 is a removable singularity of Eqs. 9 and 10 ((a - 1) divides a bracket that is then 0): there the
 * value is the mean of the two sides, which differ by O(h^2) from the limit.
 */
function nearOne<T extends BgNbdParams>(params: T, evaluate: (p: T) => number): number | null {
  if (Math.abs(params.a - 1) >= 1e-7) return null;
  const h = 1e-4;
  return (evaluate({ ...params, a: 1 - h }) + evaluate({ ...params, a: 1 + h })) / 2;
}

/** E[X(t)] for a new customer over t (Eq. 9). */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t === 0) return 0;
  const limit = nearOne(params, (p) => expectedPurchasesNewCustomer(p, t));
  if (limit !== null) return limit;
  const z = t / (alpha + t);
  const hyp = Math.exp(logHyp2f1(r, b, a + b - 1, z));
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp);
}

/** E[Y(t) | x, tx, T]: expected purchases in the next t (Eq. 10). */
export function expectedPurchases(
  params: BgNbdParams,
  customer: PurchaseSummary,
  t: number,
): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (t <= 0) return 0;
  const limit = nearOne(params, (p) => expectedPurchases(p, customer, t));
  if (limit !== null) return limit;
  const z = t / (alpha + T + t);
  const logHyp = logHyp2f1(r + x, b + x, a + b + x - 1, z);
  const logPower = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  // 1 - power * 2F1 can lose every digit when the product is near 1: expm1 keeps them.
  const bracket = -Math.expm1(logPower + logHyp);
  const aliveFactor =
    x > 0
      ? 1 +
        Math.exp(
          Math.log(a) -
            Math.log(b + x - 1) +
            (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)),
        )
      : 1;
  return (((a + b + x - 1) / (a - 1)) * bracket) / aliveFactor;
}

/** P(X(t) = n) for a new customer over t (Eq. 8). */
export function probabilityOfPurchases(
  { r, alpha, a, b }: BgNbdParams,
  t: number,
  n: number,
): number {
  const lnBeta = (p: number, q: number) => gammaln(p) + gammaln(q) - gammaln(p + q);
  const lnGammaRatio = gammaln(r + n) - gammaln(r) - gammaln(n + 1);
  const first =
    lnBeta(a, b + n) -
    lnBeta(a, b) +
    lnGammaRatio +
    r * Math.log(alpha / (alpha + t)) +
    n * Math.log(t / (alpha + t));
  if (n === 0) return Math.exp(first);
  // Second term: the sum over j < n of the NBD probabilities, times P(dropped out after the n-th).
  let sum = 0;
  for (let j = 0; j < n; j++) {
    sum += Math.exp(
      gammaln(r + j) -
        gammaln(r) -
        gammaln(j + 1) +
        r * Math.log(alpha / (alpha + t)) +
        j * Math.log(t / (alpha + t)),
    );
  }
  const second = Math.exp(lnBeta(a + 1, b + n - 1) - lnBeta(a, b)) * (1 - sum);
  return Math.exp(first) + second;
}
