import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { CostOf } from '../../common/cost-hints';
import { RequireScopes } from '../../common/require-scopes';
import { LocalDateScalar } from '../../common/dates';
import type { RequestContext } from '../../common/request-context';
import {
  CohortValueService,
  cohortMonthsBetween,
  FORECAST_MONTHS,
  MAX_COHORT_MONTHS,
  MAX_MONTHS_SINCE_ACQUISITION,
} from './cohort-value.service';
import { CohortForecast, CohortValue } from './cohort-value.types';
import { FORECAST_DRAWS } from './metrics.service';

/**
 * The spend matrix is one aggregate over the cohorts' orders: a base cost and a cost per cohort month. A range that
 * is not valid is refused by the service; it is charged as the longest.
 */
const COHORT_VALUE_BASE_COST = 50;
const COHORT_VALUE_COST_PER_MONTH = 1;
const cohortValueCost = (args: Record<string, unknown>) => {
  const months = cohortMonthsBetween(String(args.from), String(args.to));
  const charged =
    Number.isFinite(months) && months >= 1
      ? Math.min(months, MAX_COHORT_MONTHS)
      : MAX_COHORT_MONTHS;
  return COHORT_VALUE_BASE_COST + COHORT_VALUE_COST_PER_MONTH * charged;
};
/**
 * The forecast predicts every distinct purchase history of the cohorts under the fit and each draw, once for the whole
 * answer however many cohorts select it; the cost of a list that is not paged counts its items' fields once, so
 * the field is charged once too. At 100,000 customers a few seconds of CPU, in slices (see the benchmark).
 */
const COHORT_FORECAST_COST = 300;

@Resolver()
export class CohortValueResolver {
  constructor(private readonly cohortValues: CohortValueService) {}

  @RequireScopes('metrics:read')
  @CostOf(cohortValueCost)
  @Query(() => [CohortValue], {
    description: `Lifetime value by acquisition cohort (month of first purchase): average cumulative net spend per customer by months since acquisition, and the model forecast for the next 12 months. Costs ${COHORT_VALUE_BASE_COST} points plus ${COHORT_VALUE_COST_PER_MONTH} per cohort month.`,
  })
  cohortValue(
    @Arg('from', () => LocalDateScalar, {
      description: 'A day of the first cohort month (its first day or any day in it).',
    })
    from: string,
    @Arg('to', () => LocalDateScalar, {
      description: `A day of the last cohort month (inclusive); at most ${MAX_COHORT_MONTHS} cohort months in all.`,
    })
    to: string,
    @Arg('months', () => Int, {
      defaultValue: 24,
      description: `Months since acquisition to list, 1 to ${MAX_MONTHS_SINCE_ACQUISITION} (month 0 is the month of the first purchase).`,
    })
    months: number,
    @Ctx() ctx: RequestContext,
    @Arg('asOf', () => LocalDateScalar, {
      nullable: true,
      description:
        'Read the cohorts as of the end of this day: first purchases, orders and months up to it, and the newest model fit as of it or earlier for the forecast. Today by default; a later day is refused.',
    })
    asOf?: string | null,
  ) {
    return this.cohortValues.cohortValue(from, to, months, asOf ?? null, ctx.now);
  }
}

@Resolver(() => CohortValue)
export class CohortForecastResolver {
  @CostOf(() => COHORT_FORECAST_COST)
  @FieldResolver(() => CohortForecast, {
    nullable: true,
    description: `Costs ${COHORT_FORECAST_COST} points. The models' forecast of the cohort's net spend per customer over the next ${FORECAST_MONTHS} months from the as-of day, with an 80% interval over ${FORECAST_DRAWS} parameter draws; null before a fit as of that day or earlier with a spend model. Computed once for all the cohorts of the answer (one statement, then a prediction per distinct purchase history and draw).`,
  })
  async forecast(@Root() cohort: CohortValue): Promise<CohortForecast | null> {
    return (await cohort.forecasts())?.get(cohort.cohort) ?? null;
  }
}
