import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { CostOf } from '../../common/cost-hints';
import { RequireScopes } from '../../common/require-scopes';
import { LocalDateScalar } from '../../common/dates';
import type { RequestContext } from '../../common/request-context';
import {
  CohortValueService,
  cohortMonthsBetween,
  MAX_COHORT_MONTHS,
  MAX_MONTHS_SINCE_ACQUISITION,
} from './cohort-value.service';
import { CohortValue } from './cohort-value.types';

/**
 * The forecast predicts every customer of the cohorts under each parameter draw: a base cost, and a cost per cohort
 * month. A range that is not valid is refused by the service; it is charged as the longest.
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
  ) {
    return this.cohortValues.cohortValue(from, to, months, ctx.now);
  }
}
