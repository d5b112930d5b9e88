import { Random } from '../../common/random';
import { ShopTime } from '../../common/shop-time';
import { checkpoint, mapInSlices, runInSlices } from '../../common/cooperative';
import { money, currencyExponent, Money } from '../../common/money';
import {
  CohortPurchaseGroup,
  OrderSpendService,
  PurchaseHistory,
  PurchaseHistoryQueries,
} from '../orders';
import { FeedbackService } from '../feedback';
import { CommunicationService } from '../communications';
import { PurchaseSummary } from './models/bg-nbd';
import { PARAMETER_NAMES, predictorFor, PurchasePredictor } from './models/purchase-models';
import { expectedAverageSpend } from './models/gamma-gamma';
import { discountedClv, UNITS_PER_MONTH } from './models/clv';
import { drawParameters, quantile } from './models/uncertainty';
import { predictiveIntervalSteps } from './models/purchase-count';
import { churnRisk, SecondPurchaseGaps } from './models/churn-risk';
import { rfmScores, rfmSegment } from './models/rfm';
import { DAYS_PER_UNIT, FitRecord, ModelFitService, toModelInput } from './model-fit.service';
import { CustomerMetrics, MetricsSource } from './customer-metrics';
import {
  ChurnRiskLevel,
  ModelFit,
  ModelTimeUnit,
  PurchaseModel,
  RfmSegmentName,
} from './metrics.types';

const DRAWS = 200;
/** Parameter draws behind a cohort forecast's interval: a cohort is many customers, each draw a pass over them all. */
export const FORECAST_DRAWS = 50;

/** A model amount in major units as money: to the nearest minor unit (a money amount cannot hold more). */
function toMoney(major: number, currency: string): Money {
  return money(BigInt(Math.round(major * 10 ** currencyExponent(currency))), currency);
}
const DAY_MS = 86_400_000;

export function toModelFit(fit: FitRecord): ModelFit {
  const params = fit.purchaseParams;
  return {
    id: fit.id,
    asOf: fit.asOf,
    timeUnit: fit.timeUnit as ModelTimeUnit,
    purchaseModel: fit.purchaseModel as PurchaseModel,
    r: params.r,
    alpha: params.alpha,
    a: params.a ?? null,
    b: params.b ?? null,
    s: params.s ?? null,
    beta: params.beta ?? null,
    logLikelihood: params.logLikelihood,
    p: fit.gammaGamma?.p ?? null,
    q: fit.gammaGamma?.q ?? null,
    gamma: fit.gammaGamma?.gamma ?? null,
    customers: fit.customers,
    repeatCustomers: fit.repeatCustomers,
    fittedAt: fit.fittedAt,
    durationMs: fit.durationMs,
  };
}

export class MetricsService {
  /** Parameter draws per fit: a fit never changes, so its draws are computed once. */
  private readonly drawsByFit = new Map<string, PurchasePredictor[]>();
  /** The base's time to a second purchase as of each fit's day (NO_SECOND_PURCHASE): one statement per fit. */
  private readonly gapsByFit = new Map<string, Promise<SecondPurchaseGaps>>();

  constructor(
    private readonly fits: ModelFitService,
    private readonly history: PurchaseHistoryQueries,
    private readonly spend: OrderSpendService,
    private readonly feedback: FeedbackService,
    private readonly communications: CommunicationService,
    /** The shop's calendar: which day an as-of moment falls on (public for the request loaders). */
    readonly shopTime: ShopTime,
  ) {}

  /**
   * Everything Customer.metrics needs for a batch of customers as of a moment: seven statements, whatever the batch
   * size. Only what had happened by `asOf` counts (purchases up to its day, refunds, feedback and campaigns up to the
   * moment), and the fit is the newest whose as-of is that day or earlier, unless the caller passes one (bulk refreshes).
   */
  async sourcesFor(
    customerIds: readonly string[],
    asOf: Date,
    knownFit?: FitRecord | null,
  ): Promise<MetricsSource[]> {
    const day = this.shopTime.dayOf(asOf);
    const currentFit =
      knownFit !== undefined ? Promise.resolve(knownFit) : this.fits.newestUpTo(day);
    const [fit, gaps, histories, spent, satisfaction, halves, campaigns] = await Promise.all([
      currentFit,
      currentFit.then((f) => (f ? this.secondPurchaseGaps(f) : [])),
      this.history.purchaseSummaries(day, customerIds),
      this.spend.netSpentAsOf(customerIds, asOf),
      this.feedback.totalsByCustomerIds(customerIds, asOf),
      this.history.spendByHalfYear(customerIds, asOf),
      this.communications.campaignReactions(customerIds, asOf),
    ]);
    const historyOf = new Map(histories.map((h) => [h.customerId, h]));
    return customerIds.map((customerId, i) => ({
      customerId,
      asOf,
      day,
      fit,
      history: historyOf.get(customerId) ?? null,
      secondPurchaseGaps: gaps,
      netSpentMinor: spent[i],
      latestNps: satisfaction[i].latestNps,
      averageCsat: satisfaction[i].averageCsat,
      openComplaints: satisfaction[i].openComplaints,
      spendLastHalfYear: halves[i].last,
      spendPreviousHalfYear: halves[i].previous,
      recentCampaigns: campaigns[i].sent,
      recentCampaignReactions: campaigns[i].reacted,
    }));
  }

  /**
   * metrics() for one customer of a request, after a checkpoint: a page of customers resolves its metrics in one
   * microtask run, so each customer's bisection for the next order waits for its slice and stops at the deadline.
   */
  async metricsInSlices(source: MetricsSource, currency: string): Promise<CustomerMetrics> {
    await checkpoint();
    return this.metrics(source, currency);
  }

  metrics(source: MetricsSource, currency: string): CustomerMetrics {
    const { fit, history } = source;
    const model = fit && history ? this.modelView(fit, history) : null;
    const alive = model ? model.predictor.probabilityAlive(model.customer) : null;
    const averageDays = history && history.x > 0 ? history.recencyDays / history.x : null;
    const risk =
      model && history && alive !== null
        ? churnRisk({
            probabilityAlive: alive,
            daysSinceLastPurchase: history.ageDays - history.recencyDays,
            averageDaysBetweenPurchases: averageDays,
            latestNps: source.latestNps,
            openComplaints: source.openComplaints,
            spendLastHalfYear: source.spendLastHalfYear,
            spendPreviousHalfYear: source.spendPreviousHalfYear,
            recentCampaigns: source.recentCampaigns,
            recentCampaignReactions: source.recentCampaignReactions,
            repeatPurchases: history.x,
            secondPurchaseGaps: source.secondPurchaseGaps,
          })
        : null;
    const scores =
      fit && history
        ? rfmScores(fit.rfmCuts, {
            daysSinceLastPurchase: history.ageDays - history.recencyDays,
            purchaseDays: history.x + 1,
            netValueMinor: Number(history.totalValueMinor),
          })
        : null;
    return {
      source,
      historicClv: money(source.netSpentMinor, currency),
      expectedAverageOrderValue: this.expectedAverageOrderValue(source, currency),
      probabilityAlive: alive,
      expectedNextOrderAt: model ? this.nextOrderAt(model, source.asOf) : null,
      averageDaysBetweenOrders: averageDays,
      churnRisk: risk && { ...risk, level: risk.level as ChurnRiskLevel },
      rfm: scores && {
        ...scores,
        segment: rfmSegment(
          scores.recencyScore,
          scores.frequencyScore,
          scores.monetaryScore,
        ) as RfmSegmentName,
      },
      nps: source.latestNps,
      csat: source.averageCsat,
      asOf: source.day,
      computedAt: source.asOf,
      modelFit: fit && toModelFit(fit),
    };
  }

  /** Gamma-Gamma's E[M | x, m̄] for the customer, in money (the population mean without repeat purchases). */
  expectedAverageOrderValue(source: MetricsSource, currency: string): Money | null {
    const { fit } = source;
    if (!fit?.gammaGamma) return null;
    const model = this.modelView(fit, source.history);
    const spend = expectedAverageSpend(fit.gammaGamma, { x: model.customer.x, mBar: model.mBar });
    return toMoney(spend, currency);
  }

  /**
   * Expected purchases in the next `days` with the 80% predictive interval of the count: the 10th and 90th percentiles
   * of P(Y(t) = n | history) mixed over the parameter draws (purchase-count.ts), found in slices so that a page of
   * customers does not hold the event loop.
   */
  async expectedPurchasesIn(source: MetricsSource, days: number) {
    if (!source.fit) return null;
    const model = this.modelView(source.fit, source.history);
    const t = days / DAYS_PER_UNIT[source.fit.timeUnit];
    const { low, high } = await this.countInterval(source.fit, model.customer, t);
    return { value: model.predictor.expectedPurchases(model.customer, t), low, high };
  }

  /**
   * Discounted CLV over the horizon with an 80% predictive interval. The value sums the month-by-month expected
   * purchases, discounted, times Gamma-Gamma's expected spend. The interval is the count's over the whole horizon
   * (10th and 90th percentiles of its predictive distribution, mixed over the parameter draws) times the expected
   * spend (held at its estimate) times the point prediction's mean discount factor (its discounted over its
   * undiscounted expected purchases): every purchase of the horizon discounted as an average one is.
   */
  async predictedClv(
    source: MetricsSource,
    months: number,
    monthlyDiscountRate: number,
    currency: string,
  ): Promise<{ value: Money; low: Money; high: Money } | null> {
    const clv = this.clv(source, months, monthlyDiscountRate, currency);
    if (!clv) return null;
    const horizon = months * UNITS_PER_MONTH[clv.fit.timeUnit];
    const value = clv.predict(clv.model.predictor);
    await checkpoint();
    const expected = clv.model.predictor.expectedPurchases(clv.model.customer, horizon);
    const perPurchase = expected > 0 ? value / expected : clv.spend;
    const { low, high } = await this.countInterval(clv.fit, clv.model.customer, horizon);
    return {
      value: clv.asMoney(value),
      low: clv.asMoney(low * perPurchase),
      high: clv.asMoney(high * perPurchase),
    };
  }

  /** The 80% predictive interval of the purchase count in the next t (model units), over the fit's draws. */
  private async countInterval(fit: FitRecord, customer: PurchaseSummary, t: number) {
    const counts = await mapInSlices(this.draws(fit), (p) => p.countPmf(customer, t), 8);
    const interval = await runInSlices(predictiveIntervalSteps(counts));
    await checkpoint();
    return interval;
  }

  /**
   * A purchase history's RFM segment and point predicted CLV under a fit, as metrics() and the stored refresh give
   * them: for whole-base reads as of a day (`segments(asOf)`), which need nothing else of a customer.
   */
  segmentAndClv(
    fit: FitRecord,
    history: PurchaseHistory,
    months: number,
    monthlyDiscountRate: number,
    currency: string,
  ): { segment: RfmSegmentName; clv: Money | null } {
    const scores = rfmScores(fit.rfmCuts, {
      daysSinceLastPurchase: history.ageDays - history.recencyDays,
      purchaseDays: history.x + 1,
      netValueMinor: Number(history.totalValueMinor),
    });
    const segment = rfmSegment(
      scores.recencyScore,
      scores.frequencyScore,
      scores.monetaryScore,
    ) as RfmSegmentName;
    const clv = this.clv({ fit, history }, months, monthlyDiscountRate, currency);
    return { segment, clv: clv && clv.asMoney(clv.predict(clv.model.predictor)) };
  }

  /** The point prediction alone, for bulk refreshes. */
  predictedClvValue(
    source: MetricsSource,
    months: number,
    monthlyDiscountRate: number,
    currency: string,
  ): Money | null {
    const clv = this.clv(source, months, monthlyDiscountRate, currency);
    return clv && clv.asMoney(clv.predict(clv.model.predictor));
  }

  private clv(
    source: Pick<MetricsSource, 'fit' | 'history'>,
    months: number,
    monthlyDiscountRate: number,
    currency: string,
  ) {
    const { fit } = source;
    if (!fit?.gammaGamma) return null;
    const model = this.modelView(fit, source.history);
    const spend = expectedAverageSpend(fit.gammaGamma, { x: model.customer.x, mBar: model.mBar });
    const horizon = { months, monthlyDiscountRate, unitsPerMonth: UNITS_PER_MONTH[fit.timeUnit] };
    return {
      fit,
      model,
      spend,
      asMoney: (major: number) => toMoney(major, currency),
      predict: (p: PurchasePredictor) =>
        discountedClv((t) => p.expectedPurchases(model.customer, t), spend, horizon),
    };
  }

  /**
   * Each acquisition cohort's expected net spend per customer over the next `months`, at the fit and under the first
   * FORECAST_DRAWS parameter draws (its 10th and 90th percentiles). Customers who share a history share a
   * prediction, so the work is groups × (1 + draws), in slices of one draw over every group. Spend per purchase day
   * is each customer's Gamma-Gamma expectation, held at its estimate; undiscounted.
   */
  async cohortSpendForecast(
    fit: FitRecord,
    groups: readonly CohortPurchaseGroup[],
    months: number,
  ): Promise<Map<string, { value: number; low: number; high: number }>> {
    const gg = fit.gammaGamma;
    const result = new Map<string, { value: number; low: number; high: number }>();
    if (!gg) return result;
    const unitDays = DAYS_PER_UNIT[fit.timeUnit];
    const t = months * UNITS_PER_MONTH[fit.timeUnit];
    const populationMean = expectedAverageSpend(gg, { x: 0, mBar: 0 });
    const cohorts = [...new Set(groups.map((g) => g.cohort))];
    const cohortIndex = new Map(cohorts.map((c, i) => [c, i]));
    const sizes = new Array<number>(cohorts.length).fill(0);
    const rows = groups.map((g) => {
      // E[M | x, m̄] is linear in m̄ for a given x, so a group's spend is its size and its sum of m̄.
      const weight = g.x === 0 ? 1 : (gg.q - 1) / (gg.p * g.x + gg.q - 1);
      const spend = g.customers * weight * populationMean + (1 - weight) * g.sumOfMeanRepeatValues;
      const index = cohortIndex.get(g.cohort)!;
      sizes[index] += g.customers;
      return {
        index,
        spend,
        customer: { x: g.x, tx: g.recencyDays / unitDays, T: g.ageDays / unitDays },
      };
    });
    const averages = (p: PurchasePredictor) => {
      const sums = new Array<number>(cohorts.length).fill(0);
      for (const r of rows) sums[r.index] += p.expectedPurchases(r.customer, t) * r.spend;
      return sums.map((sum, i) => sum / sizes[i]);
    };
    const point = averages(predictorFor(fit.purchaseModel, fit.purchaseParams));
    const spread = await mapInSlices(this.draws(fit).slice(0, FORECAST_DRAWS), averages, 1);
    await checkpoint();
    cohorts.forEach((cohort, i) => {
      const values = spread.map((d) => d[i]);
      result.set(cohort, {
        value: point[i],
        low: quantile(values, 0.1),
        high: quantile(values, 0.9),
      });
    });
    return result;
  }

  /** The customer as the model sees them; a customer without purchases is a new customer (x = 0, T = 0). */
  private modelView(fit: FitRecord, history: PurchaseHistory | null) {
    const input = history ? toModelInput(history, fit.timeUnit) : { x: 0, tx: 0, T: 0, mBar: 0 };
    const customer: PurchaseSummary = { x: input.x, tx: input.tx, T: input.T };
    return {
      predictor: predictorFor(fit.purchaseModel, fit.purchaseParams),
      customer,
      mBar: input.mBar,
      unitDays: DAYS_PER_UNIT[fit.timeUnit],
    };
  }

  private nextOrderAt(model: ReturnType<MetricsService['modelView']>, asOf: Date): Date | null {
    const horizon = (5 * 365) / model.unitDays;
    if (model.predictor.expectedPurchases(model.customer, horizon) < 1) return null;
    let low = 0;
    let high = horizon;
    for (let i = 0; i < 40; i++) {
      const mid = (low + high) / 2;
      if (model.predictor.expectedPurchases(model.customer, mid) < 1) low = mid;
      else high = mid;
    }
    return new Date(asOf.getTime() + Math.round(high * model.unitDays) * DAY_MS);
  }

  private secondPurchaseGaps(fit: FitRecord): Promise<SecondPurchaseGaps> {
    let gaps = this.gapsByFit.get(fit.id);
    if (!gaps) {
      gaps = this.history.secondPurchaseGaps(fit.asOf);
      gaps.catch(() => this.gapsByFit.delete(fit.id));
      this.gapsByFit.set(fit.id, gaps);
    }
    return gaps;
  }

  private draws(fit: FitRecord): PurchasePredictor[] {
    const cached = this.drawsByFit.get(fit.id);
    if (cached) return cached;
    const rng = new Random(0x5eed);
    const normals = Array.from({ length: DRAWS }, () =>
      Array.from({ length: 4 }, () => rng.normal()),
    );
    const names = PARAMETER_NAMES[fit.purchaseModel];
    const mean = names.map((name) => Math.log(fit.purchaseParams[name]));
    // A draw whose parameters overflow (a flat likelihood on a small base) is no model: it is left out.
    const finite = drawParameters(mean, fit.purchaseCovariance, normals).filter((theta) =>
      theta.every((v) => Number.isFinite(Math.exp(v)) && Math.exp(v) > 0),
    );
    const draws = (finite.length > 0 ? finite : [mean]).map((theta) =>
      predictorFor(
        fit.purchaseModel,
        Object.fromEntries(names.map((name, i) => [name, Math.exp(theta[i])])),
      ),
    );
    this.drawsByFit.set(fit.id, draws);
    return draws;
  }
}
