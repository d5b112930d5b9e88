import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Money } from '../../common/money';
import { LocalDateScalar } from '../../common/dates';
import type { PurchaseHistory } from '../orders';
import type { FitRecord } from './model-fit.service';
import type { SecondPurchaseGaps } from './models/churn-risk';
import { ChurnRisk, ModelFit, Rfm } from './metrics.types';

/** What Customer.metrics resolves from: the customer's history and signals as of a day, and the fit for that day. */
export interface MetricsSource {
  customerId: string;
  /** The moment the figures stand at: now, or the end of the asOf day. */
  asOf: Date;
  /** The asOf day (YYYY-MM-DD): purchase days up to its end count. */
  day: string;
  fit: FitRecord | null;
  history: PurchaseHistory | null;
  /** The base's time to a second purchase as of the fit's day (days, ascending); empty without a fit. */
  secondPurchaseGaps: SecondPurchaseGaps;
  netSpentMinor: bigint;
  latestNps: number | null;
  averageCsat: number | null;
  openComplaints: number;
  spendLastHalfYear: number;
  spendPreviousHalfYear: number;
  recentCampaigns: number;
  recentCampaignReactions: number;
}

@ObjectType({
  description:
    'Computed metrics of one customer: value, activity, churn risk and RFM, from the current model fit and the raw data.',
})
export class CustomerMetrics {
  source: MetricsSource;

  @Field(() => Money, {
    description: 'Historic CLV: everything the customer paid, net of refunds.',
  })
  historicClv: Money;

  @Field(() => Money, {
    nullable: true,
    description:
      'Expected average order value: the Gamma-Gamma conditional expectation E[M | x, m̄] (Fader & Hardie 2013), the mean value of the customer’s repeat purchase days shrunk toward the base’s mean by how few they are; the base’s mean for a customer without repeat purchases. What predictedClv multiplies expected purchases by. To the minor unit; null without a spend fit (a base with fewer than two repeat buyers) or before the first fit.',
  })
  expectedAverageOrderValue: Money | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Probability that the customer is still active under the fitted purchase model, at full precision (a customer long gone can show 2.5e-11); null before the first fit or purchase.',
  })
  probabilityAlive: number | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the next order is expected: when expected purchases reach one; null if not within five years or without a fit.',
  })
  expectedNextOrderAt: Date | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Mean days between purchase days (days from the first to the last, over the gaps between them), unrounded; null with fewer than two.',
  })
  averageDaysBetweenOrders: number | null;

  @Field(() => ChurnRisk, {
    nullable: true,
    description: 'Churn risk with reasons; null before the first fit or purchase.',
  })
  churnRisk: ChurnRisk | null;

  @Field(() => Rfm, {
    nullable: true,
    description:
      'RFM scores and segment against the base at the fit; null before the first fit or purchase.',
  })
  rfm: Rfm | null;

  @Field(() => Int, { nullable: true, description: 'Latest NPS answer, 0 to 10.' })
  nps: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean CSAT on a 1 to 5 scale.' })
  csat: number | null;

  @Field(() => LocalDateScalar, {
    description:
      'The day these metrics are as of: only purchases, refunds, feedback and campaigns up to its end count (up to now for today), silence is measured to it, and predictions start from it. The model fit is the newest whose as-of is this day or earlier.',
  })
  asOf: string;

  @Field({
    description:
      'The moment the figures stand at: when they were computed for today, the end of the asOf day (its last millisecond) for an earlier day.',
  })
  computedAt: Date;

  @Field(() => ModelFit, {
    nullable: true,
    description:
      'The model fit the predictions come from: the newest fitted of those as of the asOf day or earlier; null when there is none (every fit is later, or none was made).',
  })
  modelFit: ModelFit | null;
}
