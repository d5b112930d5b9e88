import { asOfMoment } from '../../common/as-of';
import { BadUserInputError } from '../../common/errors';
import { currencyExponent, money, Money } from '../../common/money';
import { ShopTime } from '../../common/shop-time';
import { CohortValueQueries } from '../orders';
import { CohortForecast, CohortValue } from './cohort-value.types';
import { MetricsService, toModelFit } from './metrics.service';
import { ModelFitService } from './model-fit.service';

/** At most this many cohort months per query, and this many months since acquisition. */
export const MAX_COHORT_MONTHS = 120;
export const MAX_MONTHS_SINCE_ACQUISITION = 120;
/** Months ahead a cohort forecast covers. */
export const FORECAST_MONTHS = 12;

/** Months from the month of `from` to the month of `to`, both included (days as YYYY-MM-DD). */
export const cohortMonthsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
  Number(to.slice(5, 7)) -
  Number(from.slice(5, 7)) +
  1;

/**
 * Lifetime value by acquisition cohort: the spend matrix in one statement, and the model's forecast for the next
 * 12 months when it is asked for (one more statement: the cohorts' histories grouped as the models see them).
 */
export class CohortValueService {
  constructor(
    private readonly cohorts: CohortValueQueries,
    private readonly fits: ModelFitService,
    private readonly metrics: MetricsService,
    private readonly currency: string,
    private readonly shopTime: ShopTime,
  ) {}

  /** As of the end of `asOf` (or `now`, for today): cohorts, orders and the fit as they were then. */
  async cohortValue(
    from: string,
    to: string,
    months: number,
    asOfDay: string | null,
    now: Date,
  ): Promise<CohortValue[]> {
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
    const day = asOfDay ?? this.shopTime.dayOf(now);
    const asOf = asOfMoment(this.shopTime, day, now);
    const rows = await this.cohorts.cumulativeSpendByCohort(from, to, months, asOf);
    let forecasts: Promise<Map<string, CohortForecast> | null> | null = null;
    const forecastsOnce = () => (forecasts ??= this.forecasts(from, to, day, asOf));
    return rows.map((r) => ({
      cohort: r.cohort,
      customers: r.customers,
      averageCumulativeSpend: Array.from(r.averageCumulativeMinor, (m) =>
        money(m ?? 0n, this.currency),
      ),
      forecasts: forecastsOnce,
    }));
  }

  private async forecasts(
    from: string,
    to: string,
    asOfDay: string,
    asOf: Date,
  ): Promise<Map<string, CohortForecast> | null> {
    const fit = await this.fits.newestUpTo(asOfDay);
    if (!fit?.gammaGamma) return null;
    const groups = await this.cohorts.purchaseGroups(from, to, asOfDay, asOf);
    const predicted = await this.metrics.cohortSpendForecast(fit, groups, FORECAST_MONTHS);
    const spent = new Map<string, { customers: number; minor: bigint }>();
    for (const g of groups) {
      const s = spent.get(g.cohort) ?? { customers: 0, minor: 0n };
      s.customers += g.customers;
      s.minor += g.totalValueMinor;
      spent.set(g.cohort, s);
    }
    const scale = 10 ** currencyExponent(this.currency);
    const asMoney = (major: number): Money =>
      money(BigInt(Math.round(major * scale)), this.currency);
    const modelFit = toModelFit(fit);
    const result = new Map<string, CohortForecast>();
    for (const [cohort, p] of predicted) {
      const s = spent.get(cohort)!;
      const spentMajor = Number(s.minor) / s.customers / scale;
      result.set(cohort, {
        months: FORECAST_MONTHS,
        averageAdditionalSpend: asMoney(p.value),
        averageAdditionalSpendLow: asMoney(p.low),
        averageAdditionalSpendHigh: asMoney(p.high),
        averageCumulativeSpend: asMoney(spentMajor + p.value),
        modelFit,
      });
    }
    return result;
  }
}
