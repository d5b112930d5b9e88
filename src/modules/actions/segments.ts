import { Field, Int, ObjectType } from 'type-graphql';
import { describeEnum } from '../../common/enums';
import { Money } from '../../common/money';
import { countedOrder } from '../orders';

export enum SegmentKind {
  KEY_CUSTOMERS = 'KEY_CUSTOMERS',
  ACTIVE_LOYAL = 'ACTIVE_LOYAL',
  PASSIVE_LOYAL = 'PASSIVE_LOYAL',
  PROBLEM_CUSTOMERS = 'PROBLEM_CUSTOMERS',
  LAPSED_WORTH_WINNING_BACK = 'LAPSED_WORTH_WINNING_BACK',
}

/**
 * The rule of each segment, in words and in SQL over the customers alias `c`. They read the stored metrics,
 * orders, feedback and communications: a read-only view across modules, kept here in one place so that the
 * rules BI sees and the rules the SQL applies cannot drift apart.
 */
export const SEGMENT_RULES: Record<SegmentKind, { rule: string; sql: string }> = {
  KEY_CUSTOMERS: {
    rule: 'The top 20% of customers by stored 12-month predicted CLV.',
    sql: `exists (select 1 from customer_metrics m where m.customer_id = c.id and m.predicted_clv_minor >
            (select percentile_disc(0.8) within group (order by predicted_clv_minor) from customer_metrics where predicted_clv_minor is not null))`,
  },
  ACTIVE_LOYAL: {
    rule: 'Repeat buyers (2+ orders) likely still active (P(alive) ≥ 0.5) who reacted to a campaign in the last 180 days or gave feedback in the last year.',
    sql: `c.order_count >= 2 and exists (select 1 from customer_metrics m where m.customer_id = c.id and m.probability_alive >= 0.5)
          and (exists (select 1 from communications k where k.customer_id = c.id and k.purpose = 'CAMPAIGN' and k.outcome in ('OPENED', 'CLICKED', 'REPLIED')
                         and k.occurred_at > now() - interval '180 days')
               or exists (select 1 from feedback f where f.customer_id = c.id and f.given_at > now() - interval '1 year'))`,
  },
  PASSIVE_LOYAL: {
    rule: 'Repeat buyers (2+ orders) likely still active (P(alive) ≥ 0.5) with no campaign reaction in 180 days and no feedback in a year: the most exposed to competitors.',
    sql: `c.order_count >= 2 and exists (select 1 from customer_metrics m where m.customer_id = c.id and m.probability_alive >= 0.5)
          and not exists (select 1 from communications k where k.customer_id = c.id and k.purpose = 'CAMPAIGN' and k.outcome in ('OPENED', 'CLICKED', 'REPLIED')
                            and k.occurred_at > now() - interval '180 days')
          and not exists (select 1 from feedback f where f.customer_id = c.id and f.given_at > now() - interval '1 year')`,
  },
  PROBLEM_CUSTOMERS: {
    rule: 'Two or more complaints, or 3+ orders of which at least 30% were returned or at least 80% bought at a discount.',
    sql: `((select count(*) from feedback f where f.customer_id = c.id and f.kind = 'COMPLAINT') >= 2
          or exists (select 1 from orders o where o.customer_id = c.id and ${countedOrder('o')} group by o.customer_id having count(*) >= 3
                     and (avg(case when o.refunded_minor > 0 then 1 else 0 end) >= 0.3 or avg(case when o.discount_minor > 0 then 1 else 0 end) >= 0.8)))`,
  },
  LAPSED_WORTH_WINNING_BACK: {
    rule: 'P(alive) below 0.3, with net spend at or above the median of repeat buyers.',
    sql: `exists (select 1 from customer_metrics m where m.customer_id = c.id and m.probability_alive < 0.3)
          and c.net_spent_minor >= (select percentile_disc(0.5) within group (order by net_spent_minor) from customers where order_count >= 2)`,
  },
};

describeEnum(
  SegmentKind,
  'SegmentKind',
  'Segments with meaning; each value’s description is its rule.',
  Object.fromEntries(Object.entries(SEGMENT_RULES).map(([k, v]) => [k, v.rule])) as Record<
    SegmentKind,
    string
  >,
);

@ObjectType({ description: 'A segment with its rule, size and value.' })
export class SegmentReport {
  @Field(() => SegmentKind, { description: 'Which segment.' }) kind: SegmentKind;
  @Field({ description: 'The rule, in words.' }) rule: string;
  @Field(() => Int, { description: 'Customers in it now.' }) customers: number;
  @Field(() => Money, { description: 'Their net spend to date.' }) netSpent: Money;
  @Field(() => Money, { description: 'Their stored 12-month predicted CLV.' }) predictedClv: Money;
}
