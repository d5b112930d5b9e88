import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Money } from '../../common/money';
import { LocalDateScalar } from '../../common/dates';
import { PurchaseModel, RfmSegmentName } from './metrics.types';

@ObjectType({
  description:
    'Retention over a period: (customers at the end − customers acquired in the period) / customers at the start × 100.',
})
export class Retention {
  @Field(() => LocalDateScalar, { description: 'First day of the period.' }) periodStart: string;
  @Field(() => LocalDateScalar, { description: 'Last day of the period (inclusive).' })
  periodEnd: string;
  @Field(() => Int, { description: 'Days a customer counts as a customer after a purchase.' })
  activeDays: number;
  @Field(() => Int, { description: 'Customers at the start (bought within activeDays before it).' })
  customersAtStart: number;
  @Field(() => Int, { description: 'Customers at the end.' }) customersAtEnd: number;
  @Field(() => Int, { description: 'Customers whose first purchase fell in the period.' })
  customersAcquired: number;
  @Field(() => Float, {
    nullable: true,
    description: 'Retention rate in percent; null without customers at the start.',
  })
  rate: number | null;
}

@ObjectType({ description: 'One cohort of customers by month of first purchase.' })
export class Cohort {
  @Field({ description: 'Month of first purchase, YYYY-MM.' }) cohort: string;
  @Field(() => Int, { description: 'Customers in the cohort.' }) size: number;
  @Field(() => [Int], { description: 'Customers who bought in month 0, 1, 2… after their first.' })
  activeCustomers: number[];
  @Field(() => [Float], { description: 'The same as shares of the cohort, 0 to 1.' })
  retention: number[];
}

@ObjectType({ description: 'Net Promoter Score over a period.' })
export class NpsReport {
  @Field(() => Int, { description: 'Answers 9–10.' }) promoters: number;
  @Field(() => Int, { description: 'Answers 7–8.' }) passives: number;
  @Field(() => Int, { description: 'Answers 0–6.' }) detractors: number;
  @Field(() => Int, { description: 'All answers.' }) responses: number;
  @Field(() => Float, {
    nullable: true,
    description: '% promoters − % detractors, −100 to 100; null without answers.',
  })
  score: number | null;
}

@ObjectType({ description: 'An RFM segment with its size and value, from the stored metrics.' })
export class SegmentSummary {
  @Field(() => RfmSegmentName, { description: 'Segment.' }) segment: RfmSegmentName;
  @Field(() => Int, { description: 'Customers in it.' }) customers: number;
  @Field(() => Money, {
    description: 'Sum of their 12-month predicted CLV (1% a month discount, as stored).',
  })
  totalPredictedClv: Money;
  @Field(() => Money, { description: 'Mean stored 12-month predicted CLV.' })
  averagePredictedClv: Money;
  @Field(() => LocalDateScalar, {
    nullable: true,
    description:
      'The day the figures are as of: the asOf asked for, or, from the stored metrics, the oldest as-of among them (a refresh brings them to today).',
  })
  asOf: string | null;
}

@ObjectType({ description: 'Predicted against actual purchases in one holdout week.' })
export class BacktestWeek {
  @Field(() => Int, { description: 'Week of the holdout, from 1.' }) week: number;
  @Field(() => Float, { description: 'Predicted repeat purchases in the week.' }) predicted: number;
  @Field(() => Int, { nullable: true, description: 'Actual purchase days in the week.' }) actual:
    number | null;
  @Field(() => Float, {
    description: 'Predicted repeat purchases from the holdout start to the end of the week.',
  })
  cumulativePredicted: number;
  @Field(() => Int, {
    nullable: true,
    description:
      'Actual purchase days from the holdout start to the end of the week (null when a week is unknown).',
  })
  cumulativeActual: number | null;
}

@ObjectType({
  description: 'Predicted against actual holdout purchases per customer, by calibration frequency.',
})
export class BacktestBucket {
  @Field({ description: 'Repeat purchases in calibration: 0, 1, … 7+.' }) frequency: string;
  @Field(() => Int, { description: 'Customers in the bucket.' }) customers: number;
  @Field(() => Float, { description: 'Mean predicted holdout purchases.' }) predicted: number;
  @Field(() => Float, { description: 'Mean actual holdout purchases.' }) actual: number;
}

@ObjectType({
  description:
    'Calibration by decile: customers sorted by predicted holdout purchases and cut into ten groups as equal as possible.',
})
export class CalibrationDecile {
  @Field(() => Int, {
    description: '1 = the tenth of customers with the lowest predictions, 10 = the highest.',
  })
  decile: number;
  @Field(() => Int, { description: 'Customers in the decile.' }) customers: number;
  @Field(() => Float, { description: 'Their mean predicted holdout purchases.' })
  predicted: number;
  @Field(() => Float, { description: 'Their mean actual holdout purchase days.' }) actual: number;
}

const DEPRECATED = 'The BG/NBD figures: read models (every purchase model) and recommendation.';

@ObjectType({ description: 'One parameter of a fitted purchase model.' })
export class ModelParameter {
  @Field({
    description:
      'Its name in the literature: r, alpha, a, b (BG/NBD, MBG/NBD) or r, alpha, s, beta (Pareto/NBD).',
  })
  name: string;
  @Field(() => Float, { description: 'Its value; alpha and beta in weeks.' }) value: number;
}

@ObjectType({
  description:
    'One purchase model fitted on the calibration period and backtested on the holdout (the same split as the others).',
})
export class ModelBacktest {
  @Field(() => PurchaseModel, { description: 'The model.' }) model: PurchaseModel;
  @Field(() => [ModelParameter], {
    description: 'Its parameters fitted on the calibration period (weeks).',
  })
  parameters: ModelParameter[];
  @Field(() => Float, { description: 'Log-likelihood of the calibration fit (higher is better).' })
  logLikelihood: number;
  @Field(() => Boolean, { description: 'Whether the optimiser converged.' }) converged: boolean;
  @Field(() => Float, { description: 'Predicted repeat purchases in the holdout, all customers.' })
  predictedTotal: number;
  @Field(() => Int, { description: 'Actual repeat purchase days in the holdout.' })
  actualTotal: number;
  @Field(() => [BacktestWeek], { description: 'Week by week, with cumulative tracking.' })
  weekly: BacktestWeek[];
  @Field(() => [BacktestBucket], { description: 'By calibration frequency.' })
  buckets: BacktestBucket[];
  @Field(() => Float, { description: 'Mean absolute error of the holdout purchases per customer.' })
  meanAbsoluteError: number;
  @Field(() => Float, {
    description:
      'Mean absolute error per customer of the naive baseline (each keeps their past rate); the same for every model.',
  })
  naiveMeanAbsoluteError: number;
  @Field(() => Float, {
    description:
      'Empirical coverage of the 80% predictive interval of expectedPurchases: the share of the calibration customers whose actual holdout purchase days lie inside their interval (low and high as CustomerMetrics.expectedPurchases defines them, over the holdout, from this calibration fit). Counts are whole numbers, so an interval holds at least 80% of its own distribution and often more: a calibrated model scores 0.8 or a little above. The intervals are at the fitted parameters (the point-parameter PMF): on CDNOW mixing parameter draws, as the served intervals do, moved coverage by at most 0.004 and made the backtest 3 to 12 times slower. Over the long holdouts most customers make no purchase and the interval [0, 0] covers them, so coverage rises (CDNOW, 104 weeks: 0.955 to 0.969).',
  })
  coverage: number;
  @Field(() => [CalibrationDecile], {
    description:
      'Mean predicted against mean actual holdout purchases by decile of the prediction.',
  })
  deciles: CalibrationDecile[];
  @Field(() => Float, {
    nullable: true,
    description:
      'Ranking quality of predicted holdout spend (predicted holdout purchases × the Gamma-Gamma expected spend per purchase, fitted on the calibration period; undiscounted) against actual holdout net spend: the normalised Gini coefficient, the Gini of the predicted ranking over that of the perfect ranking (customers with equal predictions taken together). 1 is a perfect ranking, 0 no better than chance. Null without repeat buyers to fit the spend model or without holdout spend.',
  })
  spendGini: number | null;
}

@ObjectType({
  description:
    'A backtest of every purchase model: fit on the calibration period, predict the holdout, compare with what happened, recommend one.',
})
export class ModelReport {
  @Field(() => LocalDateScalar, { description: 'Last day of calibration.' }) calibrationEnd: string;
  @Field(() => LocalDateScalar, { description: 'Last day of the holdout.' }) holdoutEnd: string;
  @Field(() => [ModelBacktest], {
    description:
      'Every purchase model (BG/NBD, MBG/NBD, Pareto/NBD) backtested on this split, side by side.',
  })
  models: ModelBacktest[];
  @Field(() => PurchaseModel, {
    description:
      'The model to use: the one with the lowest holdout mean absolute error per customer; on equal errors (within 1e-9, relative) the one with the higher calibration log-likelihood.',
  })
  recommendation: PurchaseModel;
  @Field(() => Float, {
    description: 'BG/NBD r of the calibration fit.',
    deprecationReason: DEPRECATED,
  })
  r: number;
  @Field(() => Float, { description: 'BG/NBD alpha (weeks).', deprecationReason: DEPRECATED })
  alpha: number;
  @Field(() => Float, { description: 'BG/NBD a.', deprecationReason: DEPRECATED }) a: number;
  @Field(() => Float, { description: 'BG/NBD b.', deprecationReason: DEPRECATED }) b: number;
  @Field(() => Int, { description: 'Customers with a purchase by the calibration end.' })
  customers: number;
  @Field(() => Float, {
    description: 'BG/NBD predicted repeat purchases in the holdout, all customers.',
    deprecationReason: DEPRECATED,
  })
  predictedTotal: number;
  @Field(() => Int, { description: 'Actual repeat purchase days in the holdout.' })
  actualTotal: number;
  @Field(() => [BacktestWeek], {
    description: 'BG/NBD week by week.',
    deprecationReason: DEPRECATED,
  })
  weekly: BacktestWeek[];
  @Field(() => [BacktestBucket], {
    description: 'BG/NBD by calibration frequency.',
    deprecationReason: DEPRECATED,
  })
  buckets: BacktestBucket[];
  @Field(() => Float, {
    description: 'Mean absolute error per customer of the BG/NBD.',
    deprecationReason: DEPRECATED,
  })
  meanAbsoluteError: number;
  @Field(() => Float, {
    description:
      'Mean absolute error per customer of the naive baseline (each keeps their past rate).',
  })
  naiveMeanAbsoluteError: number;
}
