import { Field, Int, ObjectType } from 'type-graphql';
import { Money } from '../../common/money';

@ObjectType({
  description:
    'Lifetime value of one acquisition cohort: customers by the month of their first counted order (in the shop’s time zone, SHOP_TIME_ZONE).',
})
export class CohortValue {
  @Field({ description: 'Month of first purchase, YYYY-MM.' }) cohort: string;
  @Field(() => Int, { description: 'Customers acquired in the month.' }) customers: number;
  @Field(() => [Money], {
    description:
      'Average cumulative net spend per customer of the cohort at the end of month 0, 1, 2… since acquisition (0 = the month of the first purchase): counted orders (all but cancelled) less their refunds, by the month each order was placed, rounded to the minor unit. Only months that have begun are listed; the current month is partial.',
  })
  averageCumulativeSpend: Money[];
}
