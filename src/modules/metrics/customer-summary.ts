import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Money, money } from '../../common/money';

@ObjectType({
  description:
    'What a customer page shows first: spend, rhythm and satisfaction, computed from the raw data.',
})
export class CustomerSummary {
  @Field(() => Int, { description: 'Orders placed, not counting cancelled ones.' })
  orderCount: number;

  @Field(() => Money, { description: 'Paid minus refunded, over all counted orders.' })
  netSpent: Money;

  @Field(() => Money, { description: 'Sum of order amounts before discounts and refunds.' })
  grossSpent: Money;

  @Field(() => Money, { description: 'Refunded through returns.' })
  refunded: Money;

  @Field(() => Money, {
    nullable: true,
    description: 'Net spent divided by order count; null without orders.',
  })
  averageOrderValue: Money | null;

  @Field(() => Date, { nullable: true, description: 'First order.' })
  firstOrderAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last order.' })
  lastOrderAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'Whole days since the last order.' })
  daysSinceLastOrder: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Mean days between purchase days (same-day orders count once); null with fewer than two purchase days.',
  })
  averageDaysBetweenOrders: number | null;

  @Field(() => Int, { nullable: true, description: 'Latest NPS answer, 0 to 10.' })
  latestNps: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean CSAT on a 1 to 5 scale (other scales rescaled).',
  })
  averageCsat: number | null;

  @Field(() => Int, { description: 'Complaints not yet resolved.' })
  openComplaints: number;
}

export interface SpendFigures {
  orderCount: number;
  purchaseDays: number;
  grossMinor: bigint;
  netMinor: bigint;
  refundedMinor: bigint;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface SatisfactionFigures {
  latestNps: number | null;
  averageCsat: number | null;
  openComplaints: number;
}

/** The figures that come from feedback rather than orders. */
export const SATISFACTION_FIELDS: ReadonlySet<string> = new Set([
  'latestNps',
  'averageCsat',
  'openComplaints',
]);
/** Satisfaction figures for a summary whose selection has none of them: never shown. */
export const NOT_ASKED: SatisfactionFigures = {
  latestNps: null,
  averageCsat: null,
  openComplaints: 0,
};

const DAY_MS = 86_400_000;

/** Pure: figures in, summary out; `asOf` is the clock. */
export function summariseCustomer(
  spend: SpendFigures,
  satisfaction: SatisfactionFigures,
  asOf: Date,
  currency: string,
): CustomerSummary {
  const netSpentMinor = spend.netMinor - spend.refundedMinor;
  const count = BigInt(spend.orderCount);
  // Half-up rounding to the minor unit, in integers.
  const average = spend.orderCount > 0 ? (2n * netSpentMinor + count) / (2n * count) : null;
  const span =
    spend.firstOrderAt && spend.lastOrderAt
      ? spend.lastOrderAt.getTime() - spend.firstOrderAt.getTime()
      : 0;
  return {
    orderCount: spend.orderCount,
    netSpent: money(netSpentMinor, currency),
    grossSpent: money(spend.grossMinor, currency),
    refunded: money(spend.refundedMinor, currency),
    averageOrderValue: average === null ? null : money(average, currency),
    firstOrderAt: spend.firstOrderAt,
    lastOrderAt: spend.lastOrderAt,
    daysSinceLastOrder: spend.lastOrderAt
      ? Math.floor((asOf.getTime() - spend.lastOrderAt.getTime()) / DAY_MS)
      : null,
    averageDaysBetweenOrders:
      spend.purchaseDays > 1 ? span / DAY_MS / (spend.purchaseDays - 1) : null,
    ...satisfaction,
  };
}
