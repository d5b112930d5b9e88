import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { LocalDateScalar } from '../../common/dates';
import { Max, Min } from 'class-validator';
import { describeEnum } from '../../common/enums';
import { Money } from '../../common/money';

export enum ModelTimeUnit {
  WEEK = 'week',
  DAY = 'day',
}
describeEnum(ModelTimeUnit, 'ModelTimeUnit', 'The time unit the purchase model is fitted in.', {
  WEEK: 'Weeks, as in the BG/NBD literature (CDNOW).',
  DAY: 'Days, for shops with frequent purchases.',
});

export enum PurchaseModel {
  BG_NBD = 'BG_NBD',
  MBG_NBD = 'MBG_NBD',
  PARETO_NBD = 'PARETO_NBD',
}
describeEnum(PurchaseModel, 'PurchaseModel', 'The model of purchase counts and drop-out.', {
  BG_NBD: 'BG/NBD (Fader, Hardie & Lee 2005): customers may drop out right after a purchase.',
  MBG_NBD:
    'Modified BG/NBD (Batislam, Denizel & Filiztekin 2007): customers may also drop out right after their first purchase, so a one-time buyer is not certainly alive.',
  PARETO_NBD:
    'Pareto/NBD (Schmittlein, Morrison & Colombo 1987): customers may drop out at any time.',
});

export enum ChurnRiskLevel {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}
describeEnum(ChurnRiskLevel, 'ChurnRiskLevel', 'Churn risk band.', {
  LOW: 'Score below 0.3.',
  MEDIUM: 'Score 0.3 or more and below 0.6 (0.3 is MEDIUM, 0.6 is HIGH).',
  HIGH: 'Score 0.6 or more.',
});

export enum RfmSegmentName {
  CHAMPIONS = 'CHAMPIONS',
  LOYAL = 'LOYAL',
  POTENTIAL_LOYALIST = 'POTENTIAL_LOYALIST',
  NEW = 'NEW',
  PROMISING = 'PROMISING',
  NEEDS_ATTENTION = 'NEEDS_ATTENTION',
  ABOUT_TO_SLEEP = 'ABOUT_TO_SLEEP',
  AT_RISK = 'AT_RISK',
  CANNOT_LOSE = 'CANNOT_LOSE',
  HIBERNATING = 'HIBERNATING',
  LOST = 'LOST',
}
describeEnum(
  RfmSegmentName,
  'RfmSegment',
  'RFM segment from the recency, frequency and monetary scores.',
  {
    CHAMPIONS: 'Bought recently, often and for a lot.',
    LOYAL: 'Buy regularly and recently.',
    POTENTIAL_LOYALIST: 'Recent, with average frequency and spend.',
    NEW: 'Bought recently for the first time.',
    PROMISING: 'Recent, but low frequency and spend.',
    NEEDS_ATTENTION: 'Average on all three; slipping.',
    ABOUT_TO_SLEEP: 'Average recency, low frequency and spend.',
    AT_RISK: 'Used to buy often; not for a while.',
    CANNOT_LOSE: 'Were among the best; not seen for a while.',
    HIBERNATING: 'Long ago, little and seldom.',
    LOST: 'Lowest recency, frequency and spend.',
  },
);

@ObjectType({
  description:
    'A stored fit of the purchase (BG/NBD) and spend (Gamma-Gamma) models on the whole base.',
})
export class ModelFit {
  @Field(() => ID, { description: 'Fit id.' })
  id: string;

  @Field(() => LocalDateScalar, {
    description: 'Only purchases up to the end of this day were used.',
  })
  asOf: string;

  @Field(() => ModelTimeUnit, { description: 'Time unit of recency, T and alpha.' })
  timeUnit: ModelTimeUnit;

  @Field(() => PurchaseModel, { description: 'Which purchase model was fitted.' })
  purchaseModel: PurchaseModel;

  @Field(() => Float, { description: 'r: shape of the purchase-rate distribution (both models).' })
  r: number;

  @Field(() => Float, {
    description: 'alpha: scale of the purchase-rate distribution, in the time unit (both models).',
  })
  alpha: number;

  @Field(() => Float, {
    nullable: true,
    description: 'BG/NBD a: dropout-probability Beta parameter.',
  })
  a: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'BG/NBD b: dropout-probability Beta parameter.',
  })
  b: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Pareto/NBD s: shape of the dropout-rate distribution.',
  })
  s: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Pareto/NBD beta: scale of the dropout-rate distribution, in the time unit.',
  })
  beta: number | null;

  @Field(() => Float, { description: 'The purchase model’s maximised log-likelihood.' })
  logLikelihood: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Gamma-Gamma p (shape of spend per transaction); null without repeat buyers.',
  })
  p: number | null;

  @Field(() => Float, { nullable: true, description: 'Gamma-Gamma q.' })
  q: number | null;

  @Field(() => Float, { nullable: true, description: 'Gamma-Gamma gamma.' })
  gamma: number | null;

  @Field(() => Int, { description: 'Customers with purchases by asOf.' })
  customers: number;

  @Field(() => Int, { description: 'Of them, customers with repeat purchases.' })
  repeatCustomers: number;

  @Field({ description: 'When the fit was made.' })
  fittedAt: Date;

  @Field(() => Int, { description: 'How long the fit took, in milliseconds.' })
  durationMs: number;
}

@ObjectType({
  description:
    'Predicted CLV with its 80% predictive interval: the randomness of purchasing as well as the uncertainty of the fitted parameters.',
})
export class MoneyPrediction {
  @Field(() => Money, {
    description:
      'Point prediction at the fitted parameters: month by month, expected purchases times the Gamma-Gamma expected spend, discounted.',
  })
  value: Money;

  @Field(() => Money, {
    description:
      'Low end of the 80% predictive interval: the 10th percentile of the purchase count over the whole horizon (as for expectedPurchases.low, mixed over 200 parameter draws) times the expected spend per purchase (held at its estimate) times the mean discount factor of the point prediction (its discounted over its undiscounted expected purchases). Spend per purchase does not vary in the interval.',
  })
  low: Money;

  @Field(() => Money, {
    description:
      'High end of the 80% predictive interval: the 90th percentile of the purchase count over the horizon, priced as low is. A skewed count can put it below value.',
  })
  high: Money;
}

@ObjectType({
  description:
    'Expected purchases (purchase days) with an 80% predictive interval of the count: the interval includes the randomness of purchasing, P(X(t) = n | history), mixed over 200 draws of the fitted parameters.',
})
export class CountPrediction {
  @Field(() => Float, {
    description: 'Point prediction: the expectation at the fitted parameters.',
  })
  value: number;

  @Field(() => Float, {
    description:
      'A whole number: the 10th percentile of the predictive count, the smallest n with P(count <= n) >= 0.1.',
  })
  low: number;

  @Field(() => Float, {
    description:
      'A whole number: the 90th percentile of the predictive count, the smallest n with P(count <= n) >= 0.9; so P(low <= count <= high) >= 0.8. A skewed count (most customers buy nothing soon) can put it below value.',
  })
  high: number;
}

@ObjectType({ description: 'One reason behind a churn-risk score.' })
export class ChurnReason {
  @Field({
    description:
      'Stable code: MODEL (1 − P(alive)), OVERDUE (no order for over 1.5 times the usual gap; 0.35 of the chance to stay), NO_SECOND_PURCHASE (a one-time buyer: the share of the base’s repeat buyers who made their second purchase sooner than this customer’s silence since their first), DETRACTOR (latest NPS 0 to 6; 0.25), OPEN_COMPLAINT (0.2), FALLING_SPEND (under half the spend of the half year before; 0.15), NO_REACTION (no reaction to 3 or more campaign messages in 90 days; 0.1).',
  })
  code: string;

  @Field({ description: 'The reason in words.' })
  description: string;

  @Field(() => Float, {
    description:
      'The part of the score this reason accounts for, at full precision: the reason’s share of what was left of the chance to stay. The weights, added in the order given, equal the score exactly.',
  })
  weight: number;
}

@ObjectType({ description: 'Churn risk with its reasons.' })
export class ChurnRisk {
  @Field(() => Float, {
    description:
      'From 0 (will stay) to 1 (gone), at full precision: the sum of the reasons’ weights; 0 with no reason.',
  })
  score: number;

  @Field(() => ChurnRiskLevel, {
    description:
      'Band of the score: LOW below 0.3, MEDIUM from 0.3 up to below 0.6, HIGH 0.6 or more.',
  })
  level: ChurnRiskLevel;

  @Field(() => [ChurnReason], { description: 'What drives the score, largest first.' })
  reasons: ChurnReason[];
}

@ObjectType({ description: 'RFM scores (1 to 5, quintiles of the base at the fit) and segment.' })
export class Rfm {
  @Field(() => Int, { description: '5: among the most recent buyers.' })
  recencyScore: number;

  @Field(() => Int, { description: '5: among the most frequent buyers.' })
  frequencyScore: number;

  @Field(() => Int, { description: '5: among the biggest spenders.' })
  monetaryScore: number;

  @Field(() => RfmSegmentName, { description: 'Segment.' })
  segment: RfmSegmentName;
}

@ArgsType()
export class PredictedClvArgs {
  @Field(() => Int, { defaultValue: 12, description: 'Horizon in months, 1 to 120.' })
  @Min(1)
  @Max(120)
  months: number;

  @Field(() => Float, { defaultValue: 0.01, description: 'Monthly discount rate, 0 to 0.5.' })
  @Min(0)
  @Max(0.5)
  discountRate: number;
}
