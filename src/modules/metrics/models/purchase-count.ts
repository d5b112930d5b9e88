/**
 * The distribution of a customer's purchase count in the next t, P(Y(t) = n | x, tx, T), for each purchase model, and
 * predictive intervals from its mixture over parameter draws. Same time units as the models (bg-nbd.ts).
 *
 * Derived here from each model's story and checked against a brute-force simulation of it (the unit tests).
 * BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam et al. 2007): given alive at T the posterior is conjugate,
 * lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x) (MBG/NBD: b + x + 1, one more chance to drop out survived),
 * and the future is a new customer's, FHL's Eq. 8, under those parameters; a customer who has dropped out makes none:
 *   P(n) = P(alive) [B(a, b' + n) / B(a, b') NB(n) + [n > 0] B(a + 1, b' + n - 1) / B(a, b') P(NB >= n)] + [n = 0] (1 - P(alive)),
 * NB the negative binomial with shape r + x and success probability (alpha + T) / (alpha + T + t); at x = 0, T = 0 it
 * is Eq. 8 itself. The CDF: P(Y > n) = P(alive) B(a, b' + n) / B(a, b') P(NB > n).
 *
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987; P(alive) as in Fader & Hardie's 2005 note): given alive,
 * lambda ~ Gamma(r + x, alpha + T), mu ~ Gamma(s, beta + T) and the remaining lifetime is Pareto II; Y(t) counts the
 * purchases up to min(lifetime, t), so its PMF is NB(n) at t times the survival S(t) plus the integral of NB(n) at u
 * over the death time u in (0, t). The integral is by Gauss–Legendre in the death time's own probability scale
 * (v = S(u), uniform), where the integrand is smooth: each node is a proper distribution, so the PMF sums to 1 and
 * its mean is E[Y(t)] to the accuracy of a smooth 1-D quadrature (checked in the unit tests).
 *
 * Everything in log space: no underflow for huge x, and x = 0, T = 0 are ordinary points. Pure.
 */
import { gammaln, incompleteBeta } from './special-functions';
import { BgNbdParams, probabilityAlive, PurchaseSummary } from './bg-nbd';
import { mbgProbabilityAlive, MbgNbdParams } from './mbg-nbd';
import { ParetoNbdParams, paretoProbabilityAlive } from './pareto-nbd';

/** A count's distribution, walked or looked up. */
export interface CountPmf {
  /** P(Y = 0), P(Y = 1), … in turn: each call returns the next probability. */
  next(): number;
  /** P(Y <= n) for any n >= 0, directly (incomplete beta functions), for counts too large to walk to. */
  cdf(n: number): number;
}

/** P(NB > n) for NB(shape, success = 1 - failure): I_failure(n + 1, shape). */
const negativeBinomialAbove = (n: number, shape: number, failure: number) =>
  incompleteBeta(failure, n + 1, shape);

/** Negative binomial NB(n; shape, success) probabilities in turn, in log space, with the running upper tail. */
function negativeBinomial(shape: number, logSuccess: number, logFailure: number) {
  let n = 0;
  let logP = shape * logSuccess;
  let below = 0;
  return {
    /** NB(n) and P(NB >= n) for the current n, then moves to n + 1. */
    next(): { p: number; tail: number } {
      const p = Math.exp(logP);
      const tail = Math.max(0, 1 - below);
      below += p;
      logP += Math.log(shape + n) - Math.log(n + 1) + logFailure;
      n += 1;
      return { p, tail };
    },
  };
}

/**
 * The BG process after T for a customer alive with probability pAlive: Gamma(r, alpha) rate, Beta(a, b) chance to drop
 * out after each purchase (the parameters already updated by the history).
 */
function bgProcessPmf(
  pAlive: number,
  r: number,
  alpha: number,
  a: number,
  b: number,
  t: number,
): CountPmf {
  if (!(t > 0)) return zeroCount();
  const nb = negativeBinomial(r, Math.log(alpha) - Math.log(alpha + t), Math.log(t / (alpha + t)));
  let n = 0;
  let logStay = 0; // ln B(a, b + n) / B(a, b)
  let logDrop = Math.log(a) - Math.log(a + b); // ln B(a + 1, b + n - 1) / B(a, b), from n = 1
  const lnBeta = (p: number, q: number) => gammaln(p) + gammaln(q) - gammaln(p + q);
  return {
    next() {
      const { p, tail } = nb.next();
      let alive = Math.exp(logStay) * p;
      if (n > 0) {
        alive += Math.exp(logDrop) * tail;
        logDrop += Math.log(b + n - 1) - Math.log(a + b + n);
      }
      logStay += Math.log(b + n) - Math.log(a + b + n);
      const value = pAlive * alive + (n === 0 ? 1 - pAlive : 0);
      n += 1;
      return value;
    },
    // Y > k when the rate gives more than k purchases and none of the first k was the last: P(NB > k) B(a, b + k) / B(a, b).
    cdf: (k) =>
      1 -
      pAlive *
        Math.exp(lnBeta(a, b + k) - lnBeta(a, b)) *
        negativeBinomialAbove(k, r, t / (alpha + t)),
  };
}

function zeroCount(): CountPmf {
  let first = true;
  return {
    next() {
      const value = first ? 1 : 0;
      first = false;
      return value;
    },
    cdf: () => 1,
  };
}

/** Gauss–Legendre nodes and weights on (0, 1) (Golub–Welsch by Newton on P_k, as in Numerical Recipes' gauleg). */
function gaussLegendre(k: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= k; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (k + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= k; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      derivative = (k * (z * p1 - p2)) / (z * z - 1);
      const step = p1 / derivative;
      z -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    nodes.push((1 - z) / 2);
    weights.push(1 / ((1 - z * z) * derivative * derivative));
  }
  return { nodes, weights };
}

/** Nodes of the death-time integral: 12 give E[Y(t)] to 1e-6 relative (a new customer over ten years) or better. */
const DEATH_TIME_RULE = gaussLegendre(12);

/** P(Y(t) = n | x, tx, T) under the Pareto/NBD, n = 0, 1, … in turn. */
export function paretoCountPmf(
  params: ParetoNbdParams,
  customer: PurchaseSummary,
  t: number,
): CountPmf {
  if (!(t > 0)) return zeroCount();
  const pAlive = paretoProbabilityAlive(params, customer);
  const r = params.r + customer.x;
  const alpha = params.alpha + customer.T;
  const beta = params.beta + customer.T;
  const { s } = params;
  const survival = Math.exp(s * (Math.log(beta) - Math.log(beta + t)));
  // Part 0: alive at t (death time past it); parts 1..K: the nodes, v = S(u) from S(t) to 1, u(v) = beta (v^(-1/s) - 1).
  const K = DEATH_TIME_RULE.nodes.length;
  const weight = new Float64Array(K + 1);
  const logP = new Float64Array(K + 1); // ln NB(n) at the part's u
  const logFailure = new Float64Array(K + 1);
  let atZero = 1; // weight of nodes that round to u = 0: a death at once, no purchases
  for (let k = 0; k <= K; k++) {
    const u =
      k === 0
        ? t
        : beta *
          Math.expm1(-Math.log(survival + (1 - survival) * DEATH_TIME_RULE.nodes[k - 1]) / s);
    if (!(u > 0)) continue;
    weight[k] = k === 0 ? survival : (1 - survival) * DEATH_TIME_RULE.weights[k - 1];
    atZero -= weight[k];
    const logTotal = Math.log(alpha + u);
    logP[k] = r * (Math.log(alpha) - logTotal);
    logFailure[k] = Math.log(u) - logTotal;
  }
  let n = 0;
  return {
    next() {
      let alive = n === 0 ? Math.max(0, atZero) : 0;
      const shapeStep = Math.log(r + n) - Math.log(n + 1);
      for (let k = 0; k <= K; k++) {
        if (weight[k] === 0) continue;
        alive += weight[k] * Math.exp(logP[k]);
        logP[k] += shapeStep + logFailure[k];
      }
      const value = pAlive * alive + (n === 0 ? 1 - pAlive : 0);
      n += 1;
      return value;
    },
    cdf(count) {
      let above = 0;
      for (let k = 0; k <= K; k++)
        if (weight[k] > 0)
          above += weight[k] * negativeBinomialAbove(count, r, Math.exp(logFailure[k]));
      return 1 - pAlive * above;
    },
  };
}

/** P(Y(t) = n | x, tx, T) under the BG/NBD, n = 0, 1, … in turn. */
export function bgNbdCountPmf(params: BgNbdParams, customer: PurchaseSummary, t: number) {
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  return bgProcessPmf(probabilityAlive(params, customer), r + x, alpha + T, a, b + x, t);
}

/** P(Y(t) = n | x, tx, T) under the MBG/NBD, n = 0, 1, … in turn. */
export function mbgNbdCountPmf(params: MbgNbdParams, customer: PurchaseSummary, t: number) {
  const { r, alpha, a, b } = params;
  const { x, T } = customer;
  return bgProcessPmf(mbgProbabilityAlive(params, customer), r + x, alpha + T, a, b + x + 1, t);
}

/** Counts walked one by one before the quantiles are searched for with the CDF (bisection). */
const WALK_LIMIT = 256;
/** PMF evaluations between yields of predictiveIntervalSteps. */
const EVALUATIONS_PER_STEP = 20_000;

export interface CountInterval {
  low: number;
  high: number;
}

/**
 * The central interval of the mixture (1/D) sum_d PMF_d: low is the smallest n with P(Y <= n) >= lowQ and high the
 * smallest n with P(Y <= n) >= highQ (the discrete quantile, type 1 of Hyndman & Fan): so P(low <= Y <= high) >=
 * highQ - lowQ. Counts up to WALK_LIMIT are walked (cheap, the usual case); a quantile beyond is found by bisection
 * on the CDF, so a customer expected to buy thousands of times, or a parameter draw far in the tail, costs a few
 * dozen CDF evaluations instead of a walk to the count. Yields between bounded steps, for callers that slice.
 */
export function* predictiveIntervalSteps(
  pmfs: CountPmf[],
  lowQ = 0.1,
  highQ = 0.9,
): Generator<void, CountInterval, undefined> {
  let cumulative = 0;
  let low = -1;
  let evaluations = 0;
  // 1e-12: the PMF sums to 1 only up to rounding, and a quantile must not hang on it.
  const reached = (p: number, q: number) => p >= q - 1e-12;
  for (let n = 0; n < WALK_LIMIT; n++) {
    let p = 0;
    for (const pmf of pmfs) p += pmf.next();
    evaluations += pmfs.length;
    if (evaluations >= EVALUATIONS_PER_STEP) {
      evaluations = 0;
      yield;
    }
    cumulative += p / pmfs.length;
    if (low < 0 && reached(cumulative, lowQ)) low = n;
    if (reached(cumulative, highQ)) return { low, high: n };
  }
  const cdf = (n: number) => pmfs.reduce((sum, pmf) => sum + pmf.cdf(n), 0) / pmfs.length;
  if (low < 0) low = yield* searchQuantile(cdf, lowQ, WALK_LIMIT);
  return { low, high: yield* searchQuantile(cdf, highQ, Math.max(low, WALK_LIMIT)) };
}

/** The smallest n >= from with cdf(n) >= q (cdf(from - 1) < q): doubling, then bisection; a yield per evaluation. */
function* searchQuantile(cdf: (n: number) => number, q: number, from: number) {
  let below = from - 1;
  let above = from;
  for (let span = 1; !(cdf(above) >= q - 1e-12); span *= 2) {
    yield;
    below = above;
    // Far past any count a model gives for a horizon it accepts; a CDF that never gets there (NaN) stops here.
    if (above >= 2 ** 40) return above;
    above = from + span;
  }
  while (above - below > 1) {
    yield;
    const mid = Math.floor((below + above) / 2);
    if (cdf(mid) >= q - 1e-12) above = mid;
    else below = mid;
  }
  return above;
}

/** predictiveIntervalSteps run to its end. */
export function predictiveInterval(pmfs: CountPmf[], lowQ = 0.1, highQ = 0.9): CountInterval {
  const steps = predictiveIntervalSteps(pmfs, lowQ, highQ);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
