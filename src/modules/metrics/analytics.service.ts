import { asOfMoment } from '../../common/as-of';
import { DataSource } from 'typeorm';
import { mapInSlices } from '../../common/cooperative';
import { ModelFitService } from './model-fit.service';
import { MetricsService } from './metrics.service';
import { STORED_CLV } from './metrics-store.service';
import { BadUserInputError } from '../../common/errors';
import { dayProblem } from '../../common/dates';
import { daysBetween, ShopTime } from '../../common/shop-time';
import { money } from '../../common/money';
import { PurchaseHistoryQueries } from '../orders';
import { FeedbackService } from '../feedback';
import { runInSlices } from '../../common/cooperative';
import { BACKTEST_MODELS, backtestModelsSteps } from './models/backtest';
import { fitGammaGamma } from './models/gamma-gamma';
import { toModelInput } from './model-fit.service';
import { Cohort, ModelReport, NpsReport, Retention, SegmentSummary } from './analytics.types';
import { PurchaseModel, RfmSegmentName } from './metrics.types';

/** The shortest backtest holdout (a week, in days). */
export const MIN_HOLDOUT_DAYS = 7;
/** The longest backtest holdout (two years, in days): its weekly curve costs models × customers × weeks predictions. */
export const MAX_HOLDOUT_DAYS = 728;
/** The longest period of retention, cohorts and NPS (ten years, in days). */
export const MAX_PERIOD_DAYS = 3660;
const DAY_MS = 86_400_000;

const checkDay = (value: string, field: string) => {
  const problem = dayProblem(value);
  if (problem) throw new BadUserInputError(`${field}: ${problem}; expected YYYY-MM-DD`, { field });
};
/**
 * A report's days, first to last (both inclusive), as the half-open range of moments they cover: shop days
 * (SHOP_TIME_ZONE), so a period may be an hour longer or shorter than its days × 24 h across a DST change.
 */
const periodOf = (
  shopTime: ShopTime,
  firstDay: string,
  lastDay: string,
  endField = 'periodEnd',
) => {
  const days = daysBetween(firstDay, lastDay) + 1;
  if (days < 1)
    throw new BadUserInputError('The last day of the period must not be before its first', {
      field: endField,
    });
  if (days > MAX_PERIOD_DAYS) {
    throw new BadUserInputError(`The period may be at most ${MAX_PERIOD_DAYS} days long`, {
      field: endField,
      maxDays: MAX_PERIOD_DAYS,
    });
  }
  return { start: shopTime.startOfDay(firstDay), end: shopTime.endOfDay(lastDay) };
};

/** Whole-base analytics for BI: retention, cohorts, NPS, segments and the model backtest. */
export class AnalyticsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly history: PurchaseHistoryQueries,
    private readonly feedback: FeedbackService,
    private readonly currency: string,
    private readonly shopTime: ShopTime,
    private readonly fits: ModelFitService,
    private readonly metrics: MetricsService,
  ) {}

  async retention(periodStart: string, periodEnd: string, activeDays: number): Promise<Retention> {
    const { start, end } = periodOf(this.shopTime, periodStart, periodEnd);
    if (activeDays < 1 || activeDays > 3650)
      throw new BadUserInputError('activeDays must be 1 to 3650', { field: 'activeDays' });
    const c = await this.history.retentionCounts(start, end, activeDays);
    const rate = c.atStart > 0 ? ((c.atEnd - c.acquired) / c.atStart) * 100 : null;
    return {
      periodStart,
      periodEnd,
      activeDays,
      customersAtStart: c.atStart,
      customersAtEnd: c.atEnd,
      customersAcquired: c.acquired,
      rate,
    };
  }

  /** As of the end of `asOfDay` (up to `now` for today); a later day is refused. */
  async cohorts(from: string, to: string, asOfDay: string | null, now: Date): Promise<Cohort[]> {
    const { start, end } = periodOf(this.shopTime, from, to, 'to');
    const asOf = asOfMoment(this.shopTime, asOfDay ?? this.shopTime.dayOf(now), now);
    return (await this.history.monthlyCohorts(start, end, asOf)).map((c) => ({
      cohort: c.cohort,
      size: c.size,
      activeCustomers: c.active,
      retention: c.active.map((n) => (c.size > 0 ? n / c.size : 0)),
    }));
  }

  async nps(from: string, to: string, touchpoint: string | null): Promise<NpsReport> {
    const { start, end } = periodOf(this.shopTime, from, to, 'to');
    const c = await this.feedback.npsCounts(start, end, touchpoint);
    const responses = c.promoters + c.passives + c.detractors;
    return {
      ...c,
      responses,
      score: responses > 0 ? ((c.promoters - c.detractors) / responses) * 100 : null,
    };
  }

  /**
   * Customers and predicted CLV per RFM segment. Without an as-of day, from the stored metrics (an index-only
   * aggregate; each summary says the oldest as-of among them); with one, computed from every customer's purchases up
   * to its end under the newest fit as of it (one statement, then each customer's RFM and 12-month CLV, in slices).
   */
  async segments(asOfDay: string | null, now: Date): Promise<SegmentSummary[]> {
    if (asOfDay === null) return this.storedSegments();
    asOfMoment(this.shopTime, asOfDay, now); // refuses a day still to come
    const fit = await this.fits.newestUpTo(asOfDay);
    if (!fit) return [];
    const histories = await this.history.purchaseSummaries(asOfDay, null);
    const totals = new Map<RfmSegmentName, { customers: number; minor: bigint }>();
    await mapInSlices(
      histories,
      (h) => {
        const { segment, clv } = this.metrics.segmentAndClv(
          fit,
          h,
          STORED_CLV.months,
          STORED_CLV.monthlyDiscountRate,
          this.currency,
        );
        const total = totals.get(segment) ?? { customers: 0, minor: 0n };
        total.customers += 1;
        total.minor += clv ? BigInt(clv.minorUnits) : 0n;
        totals.set(segment, total);
      },
      256,
    );
    return [...totals]
      .sort(([, a], [, b]) => (b.minor > a.minor ? 1 : b.minor < a.minor ? -1 : 0))
      .map(([segment, t]) => this.summary(segment, t.customers, t.minor, asOfDay));
  }

  private async storedSegments(): Promise<SegmentSummary[]> {
    const rows: {
      segment: RfmSegmentName;
      customers: number;
      total: string;
      as_of: Date | null;
    }[] = await this.dataSource.query(
      `select rfm_segment as segment, count(*)::int as customers, coalesce(sum(predicted_clv_minor), 0)::text as total,
           min(as_of) as as_of
       from customer_metrics where rfm_segment is not null group by 1 order by 3::bigint desc`,
    );
    return rows.map((r) =>
      this.summary(
        r.segment,
        r.customers,
        BigInt(r.total),
        r.as_of ? this.shopTime.dayOf(new Date(r.as_of)) : null,
      ),
    );
  }

  private summary(
    segment: RfmSegmentName,
    customers: number,
    totalMinor: bigint,
    asOf: string | null,
  ): SegmentSummary {
    return {
      segment,
      customers,
      totalPredictedClv: money(totalMinor, this.currency),
      averagePredictedClv: money(totalMinor / BigInt(customers), this.currency),
      asOf,
    };
  }

  async modelReport(calibrationEnd: string, holdoutEnd: string): Promise<ModelReport> {
    checkDay(calibrationEnd, 'calibrationEnd');
    checkDay(holdoutEnd, 'holdoutEnd');
    const holdoutDays = (Date.parse(holdoutEnd) - Date.parse(calibrationEnd)) / DAY_MS;
    if (holdoutDays < MIN_HOLDOUT_DAYS)
      throw new BadUserInputError('The holdout must be at least a week long', {
        field: 'holdoutEnd',
      });
    if (holdoutDays > MAX_HOLDOUT_DAYS)
      throw new BadUserInputError(`The holdout may be at most ${MAX_HOLDOUT_DAYS} days long`, {
        field: 'holdoutEnd',
        maxDays: MAX_HOLDOUT_DAYS,
      });
    const histories = await this.history.purchaseSummaries(calibrationEnd, null);
    if (histories.filter((h) => h.x > 0).length < 2)
      throw new BadUserInputError('No repeat buyers before calibrationEnd', {
        field: 'calibrationEnd',
      });
    const [actualByCustomer, weeklyActual] = await Promise.all([
      this.history.purchasesBetween(calibrationEnd, holdoutEnd),
      this.history.weeklyPurchaseDays(calibrationEnd, holdoutEnd),
    ]);
    const customers = histories.map((h) => {
      const actual = actualByCustomer.get(h.customerId);
      return {
        ...toModelInput(h, 'week'),
        actual: actual?.days ?? 0,
        actualSpend: actual?.spendMinor ?? 0,
      };
    });
    const repeat = customers.filter((c) => c.x > 0 && c.mBar > 0);
    const spend = repeat.length >= 2 ? fitGammaGamma(repeat).params : null;
    // Fits and backtests run in slices that yield to other requests and stop at the request's deadline.
    const { models, recommendation } = await runInSlices(
      backtestModelsSteps(BACKTEST_MODELS, customers, holdoutDays / 7, 1, weeklyActual, spend),
    );
    // The top-level figures (deprecated) stay those of the BG/NBD, as before.
    const bgNbd = models.find((m) => m.model === 'BG_NBD')!;
    const { r, alpha, a, b } = bgNbd.params;
    return {
      calibrationEnd,
      holdoutEnd,
      models: models.map((m) => ({
        ...m,
        model: m.model as PurchaseModel,
        parameters: Object.entries(m.params).map(([name, value]) => ({ name, value })),
      })),
      recommendation: recommendation as PurchaseModel,
      r,
      alpha,
      a,
      b,
      customers: bgNbd.customers,
      predictedTotal: bgNbd.predictedTotal,
      actualTotal: bgNbd.actualTotal,
      weekly: bgNbd.weekly,
      buckets: bgNbd.buckets,
      meanAbsoluteError: bgNbd.meanAbsoluteError,
      naiveMeanAbsoluteError: bgNbd.naiveMeanAbsoluteError,
    };
  }
}
