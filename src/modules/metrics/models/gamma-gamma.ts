/**
 * Gamma-Gamma spend model: Colombo & Jiang (1999); Fader, Hardie & Lee (2005), "RFM and CLV: using
 * iso-value curves for customer base analysis", J. Marketing Research 42(4), and Fader & Hardie's note
 * "The Gamma-Gamma model of monetary value" (2013), Eqs. 1 and 5.
 *
 * A customer with x repeat transactions of mean value mBar (in currency units) spends z ~ Gamma(p, nu)
 * per transaction, with nu ~ Gamma(q, gamma) across customers. Only customers with x > 0 inform the fit.
 */
import { digamma, gammaln } from './special-functions';
import { maximiseLogLikelihood } from './optimise';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendSummary {
  x: number;
  /** Mean value of the repeat transactions, in currency units. */
  mBar: number;
  weight?: number;
}

/** Log-likelihood of one customer's mean spend (the note's Eq. 1, without the constant in mBar alone). */
export function gammaGammaLogLikelihood(
  { p, q, gamma }: GammaGammaParams,
  { x, mBar }: SpendSummary,
): number {
  return (
    gammaln(p * x + q) -
    gammaln(p * x) -
    gammaln(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(mBar) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + x * mBar)
  );
}

export function gammaGammaLogLikelihoodWithGradient(
  params: GammaGammaParams,
  customers: SpendSummary[],
) {
  const { p, q, gamma } = params;
  let value = 0;
  const g = [0, 0, 0];
  const psiQ = digamma(q);
  for (const c of customers) {
    if (c.x <= 0 || c.mBar <= 0) continue;
    const w = c.weight ?? 1;
    value += w * gammaGammaLogLikelihood(params, c);
    const psiPXQ = digamma(p * c.x + q);
    const logDenominator = Math.log(gamma + c.x * c.mBar);
    g[0] +=
      w * c.x * (psiPXQ - digamma(p * c.x) + Math.log(c.mBar) + Math.log(c.x) - logDenominator);
    g[1] += w * (psiPXQ - psiQ + Math.log(gamma) - logDenominator);
    g[2] += w * (q / gamma - (p * c.x + q) / (gamma + c.x * c.mBar));
  }
  return { value, gradient: g };
}

export function fitGammaGamma(
  customers: SpendSummary[],
  start: GammaGammaParams = { p: 1, q: 1, gamma: 1 },
) {
  const repeat = customers.filter((c) => c.x > 0 && c.mBar > 0);
  if (repeat.length === 0)
    throw new RangeError('The Gamma-Gamma model needs customers with repeat purchases');
  const toParams = (theta: number[]): GammaGammaParams => ({
    p: Math.exp(theta[0]),
    q: Math.exp(theta[1]),
    gamma: Math.exp(theta[2]),
  });
  const result = maximiseLogLikelihood(
    (theta) => {
      const params = toParams(theta);
      const { value, gradient } = gammaGammaLogLikelihoodWithGradient(params, repeat);
      return {
        value,
        gradient: [gradient[0] * params.p, gradient[1] * params.q, gradient[2] * params.gamma],
      };
    },
    [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)],
  );
  return {
    params: toParams(result.theta),
    logLikelihood: result.value,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** E[Z | x, mBar]: expected mean transaction value (the note's Eq. 5); the population mean when x = 0. */
export function expectedAverageSpend(
  { p, q, gamma }: GammaGammaParams,
  { x, mBar }: SpendSummary,
): number {
  const populationMean = (p * gamma) / (q - 1);
  if (x === 0) return populationMean;
  const weight = (q - 1) / (p * x + q - 1);
  return weight * populationMean + (1 - weight) * mBar;
}
