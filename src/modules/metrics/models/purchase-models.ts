/** The purchase models a fit can choose, behind one shape: fit, P(alive) and expected purchases. */
import {
  bgNbdLogLikelihoodWithGradient,
  expectedPurchases,
  fitBgNbdSteps,
  probabilityAlive,
  PurchaseSummary,
  SummaryColumns,
} from './bg-nbd';
import {
  fitParetoNbdSteps,
  paretoExpectedPurchases,
  paretoNbdTotalLogLikelihood,
  paretoProbabilityAlive,
} from './pareto-nbd';
import {
  fitMbgNbdSteps,
  mbgExpectedPurchases,
  mbgNbdLogLikelihoodWithGradient,
  mbgProbabilityAlive,
} from './mbg-nbd';
import { covarianceAt } from './uncertainty';
import { runSteps, Steps } from './optimise';
import { bgNbdCountPmf, CountPmf, mbgNbdCountPmf, paretoCountPmf } from './purchase-count';

export type PurchaseModelName = 'BG_NBD' | 'MBG_NBD' | 'PARETO_NBD';

export const PARAMETER_NAMES: Record<PurchaseModelName, [string, string, string, string]> = {
  BG_NBD: ['r', 'alpha', 'a', 'b'],
  MBG_NBD: ['r', 'alpha', 'a', 'b'],
  PARETO_NBD: ['r', 'alpha', 's', 'beta'],
};

export interface PurchasePredictor {
  probabilityAlive(customer: PurchaseSummary): number;
  expectedPurchases(customer: PurchaseSummary, t: number): number;
  /** P(Y(t) = n | history) for n = 0, 1, … in turn (purchase-count.ts). */
  countPmf(customer: PurchaseSummary, t: number): CountPmf;
}

type Params = Record<string, number>;

export function predictorFor(model: PurchaseModelName, params: Params): PurchasePredictor {
  if (model === 'PARETO_NBD') {
    const p = { r: params.r, alpha: params.alpha, s: params.s, beta: params.beta };
    return {
      probabilityAlive: (c) => paretoProbabilityAlive(p, c),
      expectedPurchases: (c, t) => paretoExpectedPurchases(p, c, t),
      countPmf: (c, t) => paretoCountPmf(p, c, t),
    };
  }
  const p = { r: params.r, alpha: params.alpha, a: params.a, b: params.b };
  if (model === 'MBG_NBD')
    return {
      probabilityAlive: (c) => mbgProbabilityAlive(p, c),
      expectedPurchases: (c, t) => mbgExpectedPurchases(p, c, t),
      countPmf: (c, t) => mbgNbdCountPmf(p, c, t),
    };
  return {
    probabilityAlive: (c) => probabilityAlive(p, c),
    expectedPurchases: (c, t) => expectedPurchases(p, c, t),
    countPmf: (c, t) => bgNbdCountPmf(p, c, t),
  };
}

/** Fits the model and measures the curvature of its likelihood at the optimum (log-parameters). */
export function fitPurchaseModel(model: PurchaseModelName, data: SummaryColumns) {
  return runSteps(fitPurchaseModelSteps(model, data));
}

/**
 * The same in steps of one optimiser iteration, for a caller that serves other work meanwhile and may stop it (a fit
 * through the API yields to other requests between iterations and stops at the request's deadline).
 */
export function* fitPurchaseModelSteps(model: PurchaseModelName, data: SummaryColumns) {
  const names = PARAMETER_NAMES[model];
  const steps: Steps<{
    params: object;
    logLikelihood: number;
    iterations: number;
    converged: boolean;
    theta: number[];
  }> =
    model === 'PARETO_NBD'
      ? fitParetoNbdSteps(data)
      : model === 'MBG_NBD'
        ? fitMbgNbdSteps(data)
        : fitBgNbdSteps(data);
  const fit = yield* steps;
  const toParams = (theta: number[]) =>
    Object.fromEntries(names.map((n, i) => [n, Math.exp(theta[i])]));
  const gradient =
    model === 'PARETO_NBD'
      ? (theta: number[]) =>
          theta.map((_, i) => {
            const h = 1e-5;
            const at = (d: number) =>
              paretoNbdTotalLogLikelihood(
                toParams(theta.map((t, k) => (k === i ? t + d : t))) as never,
                data,
              );
            return (at(h) - at(-h)) / (2 * h);
          })
      : (theta: number[]) => {
          const p = toParams(theta) as { r: number; alpha: number; a: number; b: number };
          const g = (
            model === 'MBG_NBD' ? mbgNbdLogLikelihoodWithGradient : bgNbdLogLikelihoodWithGradient
          )(p, data).gradient;
          return [g[0] * p.r, g[1] * p.alpha, g[2] * p.a, g[3] * p.b];
        };
  return {
    params: fit.params as unknown as Params,
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    converged: fit.converged,
    theta: fit.theta,
    covariance: covarianceAt(gradient, fit.theta),
  };
}
