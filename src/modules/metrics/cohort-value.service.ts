import { BadUserInputError } from '../../common/errors';
import { checkpoint } from '../../common/cooperative';
import { money } from '../../common/money';
import { CohortValueQueries, PurchaseHistoryQueries } from '../orders';
import { quantile } from './models/uncertainty';
import { ModelFitService } from './model-fit.service';
import { MetricsService } from './metrics.service';
import { CohortForecast, CohortValue } from './cohort-value.types';

/** At most this many cohort months per query, and this many months since acquisition. */
export const MAX_COHORT_MONTHS = 120;
export const MAX_MONTHS_SINCE_ACQUISITION = 120;
/** The forecast: the stored CLV's horizon and discount rate. */
const FORECAST = { months: 12, monthlyDiscountRate: 0.01 };

/** Months from the month of `from` to the month of `to`, both included (days as YYYY-MM-DD). */
export const cohortMonthsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
  Number(to.slice(5, 7)) -
  Number(from.slice(5, 7)) +
  1;

/** Lifetime value by acquisition cohort: the spend matrix in one statement, the forecast from the current fit. */
export class CohortValueService {
  constructor(
    private readonly cohorts: CohortValueQueries,
    private readonly history: PurchaseHistoryQueries,
    private readonly fits: ModelFitService,
    private readonly metrics: MetricsService,
    private readonly currency: string,
  ) {}

  async cohortValue(from: string, to: string, months: number, now: Date): Promise<CohortValue[]> {
    const cohortMonths = cohortMonthsBetween(from, to);
    if (cohortMonths < 1)
      throw new BadUserInputError('to must not be in a month before from', { field: 'to' });
    if (cohortMonths > MAX_COHORT_MONTHS)
      throw new BadUserInputError(`At most ${MAX_COHORT_MONTHS} cohort months`, {
        field: 'to',
        maxMonths: MAX_COHORT_MONTHS,
      });
    if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS_SINCE_ACQUISITION)
      throw new BadUserInputError(`months must be 1 to ${MAX_MONTHS_SINCE_ACQUISITION}`, {
        field: 'months',
        maxMonths: MAX_MONTHS_SINCE_ACQUISITION,
      });
    const [rows, forecasts] = await Promise.all([
      this.cohorts.cumulativeSpendByCohort(from, to, months, now),
      this.forecasts(from, to, now),
    ]);
    return rows.map((r) => ({
      cohort: r.cohort,
      customers: r.customers,
      averageCumulativeSpend: Array.from(r.averageCumulativeMinor, (m) =>
        money(m ?? 0n, this.currency),
      ),
      forecast: forecasts.get(r.cohort) ?? null,
    }));
  }

  /**
   * Per cohort: the mean over its customers of their predicted CLV under the fit's estimate, and the 10th and 90th
   * percentiles of that mean over the parameter draws, each draw predicting every customer of the cohort (the
   * customers share the parameters, so per-customer intervals do not add). One checkpoint per draw.
   */
  private async forecasts(from: string, to: string, now: Date) {
    const out = new Map<string, CohortForecast>();
    const fit = await this.fits.current();
    if (!fit?.gammaGamma) return out;
    const members = await this.cohorts.cohortMembers(from, to);
    if (members.length === 0) return out;
    const histories = await this.history.purchaseSummaries(
      now.toISOString().slice(0, 10),
      members.map((m) => m.customerId),
    );
    const historyOf = new Map(histories.map((h) => [h.customerId, h]));
    const byCohort = new Map<string, string[]>();
    for (const m of members)
      byCohort.set(m.cohort, [...(byCohort.get(m.cohort) ?? []), m.customerId]);
    const draws = this.metrics.draws(fit);
    for (const [cohort, ids] of byCohort) {
      const clvs = ids.flatMap((id) => {
        const clv = this.metrics.clv(
          { fit, history: historyOf.get(id) ?? null },
          FORECAST.months,
          FORECAST.monthlyDiscountRate,
          this.currency,
        );
        return clv ? [clv] : [];
      });
      if (clvs.length === 0) continue;
      const mean = (predict: (c: (typeof clvs)[number]) => number) =>
        clvs.reduce((sum, c) => sum + predict(c), 0) / ids.length;
      const value = mean((c) => c.predict(c.model.predictor));
      const spread: number[] = [];
      for (const p of draws) {
        await checkpoint();
        spread.push(mean((c) => c.predict(p)));
      }
      const asMoney = clvs[0].asMoney;
      out.set(cohort, {
        months: FORECAST.months,
        value: asMoney(value),
        low: asMoney(quantile(spread, 0.1)),
        high: asMoney(quantile(spread, 0.9)),
        modelFitId: fit.id,
      });
    }
    return out;
  }
}
