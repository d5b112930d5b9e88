import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import {
  AnalyticsService,
  MAX_HOLDOUT_DAYS,
  MAX_PERIOD_DAYS,
  MIN_HOLDOUT_DAYS,
} from './analytics.service';
import { CostOf } from '../../common/cost-hints';
import { Cohort, ModelReport, NpsReport, Retention, SegmentSummary } from './analytics.types';
import { RequireScopes } from '../../common/require-scopes';
import { LocalDateScalar } from '../../common/dates';

/**
 * The backtest fits the three purchase models on the whole base, then predicts every customer for every holdout week
 * under each: a base cost (the fits) and a cost per week. A holdout that is not a valid range is refused by the
 * service; it is charged as the longest, which stays under the largest query cost (1,000): 300 + 6 × 104 = 924.
 */
const MODEL_REPORT_BASE_COST = 300;
/**
 * Segments as of a day score every customer with purchases by then (RFM and a 12-month CLV each: about 0.3 s per
 * 100,000 customers beside the statement): a base-wide scan, priced like the scored campaign lists' candidates.
 */
const SEGMENTS_AS_OF_COST = 200;
const MODEL_REPORT_COST_PER_WEEK = 6;
const modelReportCost = (args: Record<string, unknown>) => {
  const days =
    (Date.parse(String(args.holdoutEnd)) - Date.parse(String(args.calibrationEnd))) / 86_400_000;
  const charged =
    Number.isFinite(days) && days > 0 ? Math.min(days, MAX_HOLDOUT_DAYS) : MAX_HOLDOUT_DAYS;
  return MODEL_REPORT_BASE_COST + MODEL_REPORT_COST_PER_WEEK * Math.ceil(charged / 7);
};

@Resolver()
export class AnalyticsResolver {
  constructor(private readonly analytics: AnalyticsService) {}

  @RequireScopes('metrics:read')
  @Query(() => Retention, { description: 'Retention over a period with its three counts.' })
  retention(
    @Arg('periodStart', () => LocalDateScalar, {
      description:
        'First day of the period (it starts at midnight in the shop’s time zone, SHOP_TIME_ZONE).',
    })
    periodStart: string,
    @Arg('periodEnd', () => LocalDateScalar, {
      description: `Last day of the period (inclusive; the period ends when it does, at midnight in the shop’s time zone), at most ${MAX_PERIOD_DAYS} days in all.`,
    })
    periodEnd: string,
    @Arg('activeDays', () => Int, {
      defaultValue: 365,
      description: 'Days after a purchase that a customer still counts, 1 to 3650.',
    })
    activeDays: number,
  ) {
    return this.analytics.retention(periodStart, periodEnd, activeDays);
  }

  @RequireScopes('metrics:read')
  @Query(() => [Cohort], {
    description: 'Monthly cohorts by first purchase, as a retention matrix.',
  })
  cohorts(
    @Arg('from', () => LocalDateScalar, {
      description: 'A day of the first cohort month (its first day or any day in it).',
    })
    from: string,
    @Arg('to', () => LocalDateScalar, {
      description: `Last day (inclusive) of the last cohort month, at most ${MAX_PERIOD_DAYS} days in all.`,
    })
    to: string,
    @Ctx() ctx: RequestContext,
    @Arg('asOf', () => LocalDateScalar, {
      nullable: true,
      description:
        'Read the cohorts as of the end of this day: first purchases and later purchases up to it. Today by default; a later day is refused.',
    })
    asOf?: string | null,
  ) {
    return this.analytics.cohorts(from, to, asOf ?? null, ctx.now);
  }

  @RequireScopes('metrics:read')
  @Query(() => NpsReport, { description: 'Net Promoter Score of the answers in a period.' })
  nps(
    @Arg('from', () => LocalDateScalar, { description: 'First day of answers.' }) from: string,
    @Arg('to', () => LocalDateScalar, {
      description: `Last day of answers (inclusive), at most ${MAX_PERIOD_DAYS} days in all.`,
    })
    to: string,
    @Arg('touchpoint', () => String, {
      nullable: true,
      description: 'Only answers given at this touchpoint.',
    })
    touchpoint?: string | null,
  ) {
    return this.analytics.nps(from, to, touchpoint ?? null);
  }

  @RequireScopes('metrics:read')
  @CostOf((args) => (args.asOf ? SEGMENTS_AS_OF_COST : 1))
  @Query(() => [SegmentSummary], {
    description: `Customers, total and average 12-month predicted CLV per RFM segment: from the stored metrics, or as of a day. Costs 1 point, or ${SEGMENTS_AS_OF_COST} with asOf.`,
  })
  segments(
    @Ctx() ctx: RequestContext,
    @Arg('asOf', () => LocalDateScalar, {
      nullable: true,
      description:
        'Compute the segments as of the end of this day, from every customer’s purchases up to it and the newest model fit as of it or earlier (none: an empty list); a later day is refused. Without it, the stored metrics answer.',
    })
    asOf?: string | null,
  ) {
    return this.analytics.segments(asOf ?? null, ctx.now);
  }

  @RequireScopes('metrics:read')
  @CostOf(modelReportCost)
  @Query(() => ModelReport, {
    description: `Backtest of every purchase model (BG/NBD, MBG/NBD, Pareto/NBD) on the same split: fit each on purchases up to calibrationEnd, predict to holdoutEnd, compare with what happened, and recommend the one with the lowest holdout mean absolute error per customer (ties: the higher calibration log-likelihood). Costs ${MODEL_REPORT_BASE_COST} points plus ${MODEL_REPORT_COST_PER_WEEK} per holdout week.`,
  })
  modelReport(
    @Arg('calibrationEnd', () => LocalDateScalar, { description: 'Last day of calibration.' })
    calibrationEnd: string,
    @Arg('holdoutEnd', () => LocalDateScalar, {
      description: `Last day of the holdout: ${MIN_HOLDOUT_DAYS} to ${MAX_HOLDOUT_DAYS} days after calibrationEnd (at most ${MAX_HOLDOUT_DAYS / 7} weeks).`,
    })
    holdoutEnd: string,
  ) {
    return this.analytics.modelReport(calibrationEnd, holdoutEnd);
  }
}
