import { Field, Int, ObjectType } from 'type-graphql';
import { Money } from '../../common/money';
import { ModelFit } from './metrics.types';

@ObjectType({
  description:
    "A cohort's expected net spend per customer over the coming months under the purchase and spend models, with an 80% interval.",
})
export class CohortForecast {
  @Field(() => Int, { description: 'Months ahead of the as-of day the forecast covers.' })
  months: number;

  @Field(() => Money, {
    description:
      'Expected net spend per customer of the cohort in those months: for each customer, expected purchase days under the purchase model times the Gamma-Gamma expected spend of a purchase day, averaged over the cohort; undiscounted, to the minor unit.',
  })
  averageAdditionalSpend: Money;

  @Field(() => Money, {
    description: `10th percentile of averageAdditionalSpend over parameter draws of the purchase model (the spend model held at its estimate). The randomness of purchasing is not in it: it averages out over a cohort (its spread shrinks as one over the square root of the cohort's size), so the interval is the models' uncertainty about the cohort, and is narrower than any one customer's.`,
  })
  averageAdditionalSpendLow: Money;

  @Field(() => Money, {
    description: '90th percentile of averageAdditionalSpend over the same parameter draws.',
  })
  averageAdditionalSpendHigh: Money;

  @Field(() => Money, {
    description:
      'Average cumulative net spend per customer at the end of the forecast: spent by the as-of day plus averageAdditionalSpend.',
  })
  averageCumulativeSpend: Money;

  @Field(() => ModelFit, { description: 'The model fit the forecast comes from.' })
  modelFit: ModelFit;
}

@ObjectType({
  description:
    'Lifetime value of one acquisition cohort: customers by the month of their first counted order (in the shop’s time zone, SHOP_TIME_ZONE).',
})
export class CohortValue {
  @Field({ description: 'Month of first purchase, YYYY-MM.' }) cohort: string;
  @Field(() => Int, { description: 'Customers acquired in the month.' }) customers: number;
  @Field(() => [Money], {
    description:
      'Average cumulative net spend per customer of the cohort at the end of month 0, 1, 2… since acquisition (0 = the month of the first purchase): counted orders (all but cancelled) less their refunds, by the month each order was placed, rounded to the minor unit. Only months that have begun by the as-of day are listed, and only orders placed by its end count; the as-of month is partial.',
  })
  averageCumulativeSpend: Money[];

  /** The forecasts of every cohort of the answer, computed once when the first is asked for. */
  forecasts: () => Promise<Map<string, CohortForecast> | null>;
}
