/**
 * Pareto/NBD purchase model: Schmittlein, Morrison & Colombo (1987); likelihood, P(alive) and conditional
 * expectation as in Fader & Hardie, "A note on deriving the Pareto/NBD model and related expressions"
 * (2005), Eqs. 22–25. Purchases at rate lambda ~ Gamma(r, alpha) while alive; lifetime ~ Exp(mu) with
 * mu ~ Gamma(s, beta). Same summary (x, tx, T) and time units as BG/NBD.
 */
import { gammaln, logHyp2f1, logSumExp } from './special-functions';
import { maximiseLogLikelihoodSteps, runSteps } from './optimise';
import type { PurchaseSummary, SummaryColumns } from './bg-nbd';

export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/** ln(exp(a) − exp(b)) for a > b. */
function logDiffExp(a: number, b: number): number {
  return a + Math.log(-Math.expm1(b - a));
}

/** ln A0 (Eq. 23), choosing the hypergeometric argument that lies in [0, 1). */
function logA0({ r, alpha, s, beta }: ParetoNbdParams, { x, tx, T }: PurchaseSummary): number {
  const rsx = r + s + x;
  const [big, second] = alpha >= beta ? [alpha, s + 1] : [beta, r + x];
  const diff = Math.abs(alpha - beta);
  const term = (t: number) =>
    logHyp2f1(rsx, second, rsx + 1, diff / (big + t)) - rsx * Math.log(big + t);
  return logDiffExp(term(tx), term(T));
}

/** Individual log-likelihood (Eq. 22, in log space). */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, customer: PurchaseSummary): number {
  const { r, alpha, s, beta } = params;
  const { x, T } = customer;
  const head = gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const died = Math.log(s) - Math.log(r + s + x) + logA0(params, customer);
  return head + logSumExp(alive, died);
}

export function paretoNbdTotalLogLikelihood(params: ParetoNbdParams, data: SummaryColumns): number {
  let total = 0;
  for (let i = 0; i < data.x.length; i++) {
    total +=
      data.weight[i] *
      paretoNbdLogLikelihood(params, { x: data.x[i], tx: data.tx[i], T: data.T[i] });
  }
  return total;
}

/**
 * Maximum-likelihood fit in log-parameters. The gradient is by central differences: A0's derivatives
 * involve derivatives of 2F1 in its parameters, and the model is the second choice, not the default.
 */
export function fitParetoNbd(
  data: SummaryColumns,
  start: ParetoNbdParams = { r: 1, alpha: 1, s: 1, beta: 1 },
) {
  return runSteps(fitParetoNbdSteps(data, start));
}

/** The same fit in steps of one optimiser iteration (nine likelihoods over the base each, one per line-search trial). */
export function* fitParetoNbdSteps(
  data: SummaryColumns,
  start: ParetoNbdParams = { r: 1, alpha: 1, s: 1, beta: 1 },
) {
  const toParams = (theta: number[]): ParetoNbdParams => ({
    r: Math.exp(theta[0]),
    alpha: Math.exp(theta[1]),
    s: Math.exp(theta[2]),
    beta: Math.exp(theta[3]),
  });
  const f = (theta: number[]) => paretoNbdTotalLogLikelihood(toParams(theta), data);
  const result = yield* maximiseLogLikelihoodSteps(
    (theta) => {
      const value = f(theta);
      const gradient = theta.map((_, i) => {
        const h = 1e-6;
        return (
          (f(theta.map((t, k) => (k === i ? t + h : t))) -
            f(theta.map((t, k) => (k === i ? t - h : t)))) /
          (2 * h)
        );
      });
      return { value, gradient };
    },
    [Math.log(start.r), Math.log(start.alpha), Math.log(start.s), Math.log(start.beta)],
    500,
    f,
  );
  return {
    params: toParams(result.theta),
    logLikelihood: result.value,
    theta: result.theta,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** P(alive | x, tx, T) (Eq. 24). */
export function paretoProbabilityAlive(params: ParetoNbdParams, customer: PurchaseSummary): number {
  const { r, alpha, s, beta } = params;
  const { x, T } = customer;
  if (customer.tx === T) return 1;
  const logOdds =
    Math.log(s) -
    Math.log(r + s + x) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(params, customer);
  return 1 / (1 + Math.exp(logOdds));
}

/** E[Y(t) | x, tx, T] (Eq. 25); s = 1 is the limit (β+T) ln((β+T+t)/(β+T)). */
export function paretoExpectedPurchases(
  params: ParetoNbdParams,
  customer: PurchaseSummary,
  t: number,
): number {
  const { r, alpha, s, beta } = params;
  const { x, T } = customer;
  if (t <= 0) return 0;
  const rate = (r + x) / (alpha + T);
  const horizon =
    Math.abs(s - 1) < 1e-9
      ? (beta + T) * Math.log1p(t / (beta + T))
      : ((beta + T) / (s - 1)) *
        -Math.expm1((s - 1) * (Math.log(beta + T) - Math.log(beta + T + t)));
  return rate * horizon * paretoProbabilityAlive(params, customer);
}
