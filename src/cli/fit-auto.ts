import { ConfigError } from '../config';
import type { Services } from '../container';

/** The default and the bounds of `--holdout-weeks`: modelReport's holdout is 7 to 728 days. */
export const DEFAULT_HOLDOUT_WEEKS = 39;
export const MAX_HOLDOUT_WEEKS = 104;

/** --holdout-weeks: a whole number of weeks, 1 to 104 (the backtest holdout is at most 728 days). */
export function holdoutWeeksOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HOLDOUT_WEEKS;
  const weeks = Number(value);
  if (!/^\d+$/.test(value) || weeks < 1 || weeks > MAX_HOLDOUT_WEEKS)
    throw new ConfigError(`--holdout-weeks must be a whole number from 1 to ${MAX_HOLDOUT_WEEKS}`);
  return weeks;
}

/** The day `weeks` weeks before `day` (YYYY-MM-DD, calendar days). */
export function weeksBefore(day: string, weeks: number): string {
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() - 7 * weeks);
  return at.toISOString().slice(0, 10);
}

/**
 * `fit-models --model auto`: backtests every purchase model with calibration up to asOf − holdout and the holdout
 * up to asOf (modelReport), then fits the recommended model on all purchases up to asOf and stores that fit.
 */
export async function fitRecommendedModel(
  services: Pick<Services, 'analytics' | 'modelFits'>,
  asOf: string,
  holdoutWeeks: number,
  unit: 'week' | 'day',
) {
  const calibrationEnd = weeksBefore(asOf, holdoutWeeks);
  const report = await services.analytics.modelReport(calibrationEnd, asOf);
  const fit = await services.modelFits.fit(asOf, unit, report.recommendation);
  const backtest = {
    calibrationEnd,
    holdoutEnd: asOf,
    customers: report.customers,
    actualTotal: report.actualTotal,
    naiveMeanAbsoluteError: report.naiveMeanAbsoluteError,
    models: report.models.map((m) => ({
      model: m.model,
      parameters: Object.fromEntries(m.parameters.map((p) => [p.name, p.value])),
      logLikelihood: m.logLikelihood,
      predictedTotal: m.predictedTotal,
      meanAbsoluteError: m.meanAbsoluteError,
    })),
    recommendation: report.recommendation,
  };
  return { backtest, fit };
}
