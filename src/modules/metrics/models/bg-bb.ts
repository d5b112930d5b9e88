/**
 * BG/BB purchase model for discrete periods: Fader, Hardie & Shang (2010), "Customer-Base Analysis in a
 * Discrete-Time Noncontractual Setting", Marketing Science 29(6). Equation numbers refer to that paper.
 *
 * Units: periods (transaction opportunities: a yearly fair, a season, an annual renewal). While alive a customer
 * buys in each period with probability p ~ Beta(alpha, beta), and dies at the start of each period with
 * probability theta ~ Beta(gamma, delta). A customer is summarised by the repeat pattern after the first
 * (acquisition) period: x = periods with a purchase among the n opportunities since, tx = the last of them
 * (0 when x = 0), n = opportunities observed. All four parameters are unitless.
 */
import { digamma, gammaln, logSumExp } from './special-functions';
import { maximiseLogLikelihoodSteps, runSteps } from './optimise';

export interface BgBbParams {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

export interface PeriodSummary {
  /** Periods with a repeat purchase, 0 ≤ x ≤ n. */
  x: number;
  /** The last period with a purchase (recency), x ≤ tx ≤ n; 0 when x = 0. */
  tx: number;
  /** Repeat opportunities observed. */
  n: number;
  /** How many customers share this (x, tx, n); default 1. */
  weight?: number;
}

export interface PeriodColumns {
  x: Int32Array;
  tx: Int32Array;
  n: Int32Array;
  weight: Float64Array;
}

const lnBeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);

function checkPattern({ x, tx, n }: PeriodSummary): void {
  const integers = Number.isInteger(x) && Number.isInteger(tx) && Number.isInteger(n);
  if (!integers || x < 0 || n < 0 || tx > n || (x === 0 ? tx !== 0 : tx < x))
    throw new RangeError(
      `BG/BB needs integers 0 ≤ x ≤ tx ≤ n (tx = 0 iff x = 0), got ${x}, ${tx}, ${n}`,
    );
}

/**
 * Customers with the same (x, tx, n) become one weighted row: with n opportunities there are at most
 * n(n + 1)/2 + 1 patterns, whatever the size of the base.
 */
export function toPeriodColumns(customers: PeriodSummary[]): PeriodColumns {
  const index = new Map<number, number>();
  const rows: Required<PeriodSummary>[] = [];
  for (const c of customers) {
    checkPattern(c);
    const key = (c.n * (c.n + 1) + c.tx) * (c.n + 1) + c.x;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, rows.length);
      rows.push({ x: c.x, tx: c.tx, n: c.n, weight: c.weight ?? 1 });
    } else rows[at].weight += c.weight ?? 1;
  }
  return {
    x: Int32Array.from(rows, (r) => r.x),
    tx: Int32Array.from(rows, (r) => r.tx),
    n: Int32Array.from(rows, (r) => r.n),
    weight: Float64Array.from(rows, (r) => r.weight),
  };
}

/**
 * The log-likelihood's terms (Eq. 5): alive through all n periods, or died at the start of period tx + i + 1
 * for i = 0 … n − tx − 1. Each is lnB(α + x, β + m − x) − lnB(α, β) (x purchases in m alive periods) plus
 * lnB(γ, δ + m) − lnB(γ, δ) (survived m) or lnB(γ + 1, δ + m) − lnB(γ, δ) (survived m, then died).
 */
function logTerms({ alpha, beta, gamma, delta }: BgBbParams, { x, tx, n }: PeriodSummary) {
  const head = -lnBeta(alpha, beta) - lnBeta(gamma, delta);
  const terms = [head + lnBeta(alpha + x, beta + n - x) + lnBeta(gamma, delta + n)];
  for (let m = tx; m < n; m++)
    terms.push(head + lnBeta(alpha + x, beta + m - x) + lnBeta(gamma + 1, delta + m));
  return terms;
}

const logSum = (terms: number[]) => terms.reduce(logSumExp, -Infinity);

/** Individual log-likelihood (Eq. 5, in log space). */
export function bgBbLogLikelihood(params: BgBbParams, customer: PeriodSummary): number {
  checkPattern(customer);
  return logSum(logTerms(params, customer));
}

/** lnΓ and ψ at base + k for k = 0 … size − 1: every argument in the likelihood is a parameter plus an integer. */
function table(base: number, size: number) {
  const ln = new Float64Array(size);
  const psi = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    ln[k] = gammaln(base + k);
    psi[k] = digamma(base + k);
  }
  return { ln, psi };
}

/**
 * Sum of weighted log-likelihoods and its analytic gradient in (alpha, beta, gamma, delta). Each term of Eq. 5
 * is a product of beta functions, so d ln(term) is a sum of digammas; d ln L is their average weighted by each
 * term's share of L. The gammas and digammas are tabulated once per evaluation, not once per pattern.
 */
export function bgBbLogLikelihoodWithGradient(
  params: BgBbParams,
  data: PeriodColumns | PeriodSummary[],
): { value: number; gradient: number[] } {
  const { x, tx, n, weight } = Array.isArray(data) ? toPeriodColumns(data) : data;
  const { alpha, beta, gamma, delta } = params;
  let maxN = 0;
  for (const ni of n) maxN = Math.max(maxN, ni);
  const A = table(alpha, maxN + 2);
  const B = table(beta, maxN + 2);
  const AB = table(alpha + beta, maxN + 2);
  const D = table(delta, maxN + 2);
  const GD = table(gamma + delta, maxN + 2);
  const G = table(gamma, 2);
  const g = [0, 0, 0, 0];
  let value = 0;
  const logs: number[] = [];
  const grads: number[][] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    logs.length = 0;
    grads.length = 0;
    // x purchases in m alive periods, and survived m (died = 0) or survived m then died (died = 1).
    const add = (m: number, died: 0 | 1) => {
      const end = m + died;
      logs.push(
        A.ln[xi] +
          B.ln[m - xi] -
          AB.ln[m] -
          A.ln[0] -
          B.ln[0] +
          AB.ln[0] +
          (G.ln[died] - G.ln[0]) +
          D.ln[m] -
          D.ln[0] -
          GD.ln[end] +
          GD.ln[0],
      );
      grads.push([
        A.psi[xi] - AB.psi[m] - A.psi[0] + AB.psi[0],
        B.psi[m - xi] - AB.psi[m] - B.psi[0] + AB.psi[0],
        G.psi[died] - G.psi[0] - GD.psi[end] + GD.psi[0],
        D.psi[m] - D.psi[0] - GD.psi[end] + GD.psi[0],
      ]);
    };
    add(n[i], 0);
    for (let m = tx[i]; m < n[i]; m++) add(m, 1);
    const ll = logSum(logs);
    const w = weight[i];
    value += w * ll;
    for (let k = 0; k < logs.length; k++) {
      const share = Math.exp(logs[k] - ll);
      for (let j = 0; j < 4; j++) g[j] += w * share * grads[k][j];
    }
  }
  return { value, gradient: g };
}

/** Maximum-likelihood fit, in log-parameters so every parameter stays positive. */
export function fitBgBb(
  customers: PeriodSummary[] | PeriodColumns,
  start: BgBbParams = { alpha: 1, beta: 1, gamma: 1, delta: 1 },
) {
  return runSteps(fitBgBbSteps(customers, start));
}

/** The same fit in steps of one optimiser iteration. */
export function* fitBgBbSteps(
  customers: PeriodSummary[] | PeriodColumns,
  start: BgBbParams = { alpha: 1, beta: 1, gamma: 1, delta: 1 },
) {
  const columns = Array.isArray(customers) ? toPeriodColumns(customers) : customers;
  const toParams = (theta: number[]): BgBbParams => ({
    alpha: Math.exp(theta[0]),
    beta: Math.exp(theta[1]),
    gamma: Math.exp(theta[2]),
    delta: Math.exp(theta[3]),
  });
  const result = yield* maximiseLogLikelihoodSteps((theta) => {
    const p = toParams(theta);
    const { value, gradient } = bgBbLogLikelihoodWithGradient(p, columns);
    // Chain rule for the log-parameters.
    const scale = [p.alpha, p.beta, p.gamma, p.delta];
    return { value, gradient: gradient.map((d, j) => d * scale[j]) };
  }, [start.alpha, start.beta, start.gamma, start.delta].map(Math.log));
  return {
    params: toParams(result.theta),
    logLikelihood: result.value,
    theta: result.theta,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** P(alive in period n + 1 | x, tx, n) (Eq. 11). */
export function bgBbProbabilityAlive(params: BgBbParams, customer: PeriodSummary): number {
  checkPattern(customer);
  const { alpha, beta, gamma, delta } = params;
  const { x, n } = customer;
  const alive =
    lnBeta(alpha + x, beta + n - x) -
    lnBeta(alpha, beta) +
    lnBeta(gamma, delta + n + 1) -
    lnBeta(gamma, delta);
  return Math.exp(alive - logSum(logTerms(params, customer)));
}

/**
 * Σ_{t = from + 1}^{from + periods} B(γ, δ + t) / B(γ, δ): the expected number of those periods a new customer is
 * alive in (the sum behind Eqs. 7 and 13). Its closed form divides by γ − 1 a difference of lnΓ values that is
 * small near γ = 1; up to 1,000 periods, or near γ = 1, that difference is summed from log1p terms, which keep
 * their digits, and at γ = 1 the limit δ Σ 1 / (1 + δ + k) is used.
 */
export function expectedAlivePeriods(
  { gamma, delta }: Pick<BgBbParams, 'gamma' | 'delta'>,
  from: number,
  periods: number,
): number {
  if (periods <= 0) return 0;
  const h = gamma - 1;
  const head = gammaln(gamma + delta) - gammaln(delta);
  // g(m) = lnΓ(1 + δ + m) − lnΓ(γ + δ + m); the sum is e^head [e^g(from) − e^g(from + periods)] / (γ − 1).
  const g = (m: number) => gammaln(1 + delta + m) - gammaln(gamma + delta + m);
  if (periods > 1000 && Math.abs(h) >= 1e-3) {
    const diff = g(from + periods) - g(from);
    return Math.exp(head + g(from)) * (-Math.expm1(diff) / h);
  }
  // g(from + periods) − g(from) term by term: differences of lnΓ would lose digits when it is small.
  let diff = 0;
  let limit = 0;
  for (let k = from; k < from + periods; k++) {
    diff -= Math.log1p(h / (1 + delta + k));
    limit += 1 / (1 + delta + k);
  }
  return Math.exp(head + g(from)) * (h === 0 ? limit : -Math.expm1(diff) / h);
}

/** E[X(n, n + n*) | x, tx, n]: expected purchases in the next n* periods (Eq. 13). */
export function bgBbExpectedPurchases(
  params: BgBbParams,
  customer: PeriodSummary,
  nextPeriods: number,
): number {
  checkPattern(customer);
  const { alpha, beta } = params;
  const { x, n } = customer;
  if (nextPeriods <= 0) return 0;
  const logBuy = lnBeta(alpha + x + 1, beta + n - x) - lnBeta(alpha, beta);
  const logSurvived = Math.log(expectedAlivePeriods(params, n, nextPeriods));
  return Math.exp(logBuy + logSurvived - logSum(logTerms(params, customer)));
}

/** E[X(n)]: expected purchases of a new customer in its first n periods (Eq. 7). */
export function bgBbExpectedPurchasesNewCustomer(params: BgBbParams, periods: number): number {
  return (params.alpha / (params.alpha + params.beta)) * expectedAlivePeriods(params, 0, periods);
}

const lnChoose = (n: number, k: number) => gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);

/** P(X(n) = x): the probability that a new customer buys in exactly x of its first n periods (Eq. 8). */
export function bgBbProbabilityOfPurchases(
  { alpha, beta, gamma, delta }: BgBbParams,
  periods: number,
  x: number,
): number {
  if (!Number.isInteger(x) || !Number.isInteger(periods) || x < 0 || x > periods) return 0;
  const head = -lnBeta(alpha, beta) - lnBeta(gamma, delta);
  let sum =
    head +
    lnChoose(periods, x) +
    lnBeta(alpha + x, beta + periods - x) +
    lnBeta(gamma, delta + periods);
  // Died at the start of period i + 1, having bought in x of the i periods alive.
  for (let i = x; i < periods; i++)
    sum = logSumExp(
      sum,
      head + lnChoose(i, x) + lnBeta(alpha + x, beta + i - x) + lnBeta(gamma + 1, delta + i),
    );
  return Math.exp(sum);
}
