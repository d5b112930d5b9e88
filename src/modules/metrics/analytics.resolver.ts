import { Arg, Int, Query, Resolver } from 'type-graphql';
import { AnalyticsService } from './analytics.service';
import { Cohort, ModelReport, NpsReport, Retention, SegmentSummary } from './analytics.types';
import { RequireScopes } from '../../common/require-scopes';

@Resolver()
export class AnalyticsResolver {
  constructor(private readonly analytics: AnalyticsService) {}

  @RequireScopes('metrics:read')
  @Query(() => Retention, { description: 'Retention over a period with its three counts.' })
  retention(
    @Arg('periodStart', { description: 'Start of the period.' }) periodStart: Date,
    @Arg('periodEnd', { description: 'End of the period.' }) periodEnd: Date,
    @Arg('activeDays', () => Int, { defaultValue: 365, description: 'Days after a purchase that a customer still counts.' }) activeDays: number,
  ) {
    return this.analytics.retention(periodStart, periodEnd, activeDays);
  }

  @RequireScopes('metrics:read')
  @Query(() => [Cohort], { description: 'Monthly cohorts by first purchase, as a retention matrix.' })
  cohorts(
    @Arg('from', { description: 'First cohort month (its first day or any day in it).' }) from: Date,
    @Arg('to', { description: 'Cohorts before this moment.' }) to: Date,
  ) {
    return this.analytics.cohorts(from, to);
  }

  @RequireScopes('metrics:read')
  @Query(() => NpsReport, { description: 'Net Promoter Score of the answers in a period.' })
  nps(
    @Arg('from', { description: 'Answers at or after.' }) from: Date,
    @Arg('to', { description: 'Answers before.' }) to: Date,
    @Arg('touchpoint', () => String, { nullable: true, description: 'Only answers given at this touchpoint.' }) touchpoint?: string | null,
  ) {
    return this.analytics.nps(from, to, touchpoint ?? null);
  }

  @RequireScopes('metrics:read')
  @Query(() => [SegmentSummary], { description: 'Customers, total and average predicted CLV per RFM segment (stored metrics).' })
  segments() {
    return this.analytics.segments();
  }

  @RequireScopes('metrics:read')
  @Query(() => ModelReport, { description: 'Backtest: fit on purchases up to calibrationEnd, predict to holdoutEnd, compare with what happened.' })
  modelReport(
    @Arg('calibrationEnd', { description: 'Last day of calibration, YYYY-MM-DD.' }) calibrationEnd: string,
    @Arg('holdoutEnd', { description: 'Last day of the holdout, YYYY-MM-DD.' }) holdoutEnd: string,
  ) {
    return this.analytics.modelReport(calibrationEnd, holdoutEnd);
  }
}
