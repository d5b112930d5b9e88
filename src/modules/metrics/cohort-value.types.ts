import { Field, Int, ObjectType } from 'type-graphql';
import { Money } from '../../common/money';

@ObjectType({
  description:
    'The model forecast for a cohort: predicted discounted CLV over the next 12 months (1% a month), per customer of the cohort, from the current fit and each customer’s purchases to now.',
})
export class CohortForecast {
  @Field(() => Int, { description: 'Horizon in months (12).' }) months: number;
  @Field(() => Money, {
    description:
      'Sum over the cohort’s customers of their predicted 12-month CLV (as Customer.metrics.predictedClv), divided by the cohort size.',
  })
  value: Money;
  @Field(() => Money, {
    description:
      '10th percentile of the same cohort average over the purchase model’s parameter draws (each draw applied to every customer of the cohort at once; spend model at its estimate). Parameter uncertainty only: not the spread of the customers’ own purchases.',
  })
  low: Money;
  @Field(() => Money, { description: '90th percentile of the same, as low.' }) high: Money;
  @Field({ description: 'The fit the forecast comes from (ModelFit.id).' }) modelFitId: string;
}

@ObjectType({
  description:
    'Lifetime value of one acquisition cohort: customers by the month of their first counted order (UTC).',
})
export class CohortValue {
  @Field({ description: 'Month of first purchase, YYYY-MM.' }) cohort: string;
  @Field(() => Int, { description: 'Customers acquired in the month.' }) customers: number;
  @Field(() => [Money], {
    description:
      'Average cumulative net spend per customer of the cohort at the end of month 0, 1, 2… since acquisition (0 = the month of the first purchase): counted orders (all but cancelled) less their refunds, by the month each order was placed, rounded to the minor unit. Only months that have begun are listed; the current month is partial.',
  })
  averageCumulativeSpend: Money[];
  @Field(() => CohortForecast, {
    nullable: true,
    description:
      'The model forecast for the next 12 months; null without a fit with a spend model.',
  })
  forecast: CohortForecast | null;
}
