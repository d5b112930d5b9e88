import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { describeEnum } from '../../common/enums';
import { Money, money } from '../../common/money';
import { Connection, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../common/pagination';
import { ChurnRiskLevel } from './metrics.types';

/**
 * What counts as a change of P(alive) or the predicted CLV: moving by more than this share of the larger of the two
 * values. Compared with the newest history row (not the previous refresh), so a slow daily decay is recorded once it
 * adds up to 1%.
 */
export const HISTORY_RELATIVE_CHANGE = 0.01;
/** Moves of P(alive) smaller than this never count (a long-gone customer's 2e-11 halving daily is no news). */
export const HISTORY_MIN_PROBABILITY_CHANGE = 0.001;
/** Nor CLV moves smaller than this many major currency units (one dollar, one euro, one yen). */
export const HISTORY_MIN_CLV_CHANGE_MAJOR = 1;

/** Why stored metrics were recomputed; stored with each history row. */
export enum MetricsChangeCause {
  NEW_ORDER = 'NEW_ORDER',
  RETURN = 'RETURN',
  FEEDBACK = 'FEEDBACK',
  TIME_PASSING = 'TIME_PASSING',
  NEW_FIT = 'NEW_FIT',
  IMPORT = 'IMPORT',
  ERASURE = 'ERASURE',
  MANUAL_REFRESH = 'MANUAL_REFRESH',
  UNRECORDED = 'UNRECORDED',
}
describeEnum(
  MetricsChangeCause,
  'MetricsChangeCause',
  'Why the stored metrics were recomputed when they changed.',
  {
    NEW_ORDER: 'An order of the customer was recorded.',
    RETURN: 'A return of one of their orders was recorded.',
    FEEDBACK: 'Feedback of the customer was recorded (NPS and complaints weigh in churn risk).',
    TIME_PASSING:
      'The scheduled refresh (the metrics-refresh job, JOB_SCHEDULE_METRICS_REFRESH): time passed without purchases.',
    NEW_FIT: 'The models were fitted again (fitModels, fit-models).',
    IMPORT: 'An order import touched the customer (or, after a large import, everyone).',
    ERASURE: "Recomputed after the customer's personal data was erased.",
    MANUAL_REFRESH:
      'A whole-base refresh run by hand (refresh-metrics): time passing, or a write whose own refresh failed.',
    UNRECORDED:
      'Stored before changes were kept: the first row of a customer whose metrics predate the history.',
  },
);

@ObjectType({
  description:
    'A change of the stored metrics: what they became, as of when, and why. Written only when the churn level changed or P(alive) or the predicted CLV moved by more than 1% since the previous change (docs/graph.md).',
})
export class MetricsChange {
  @Field({ description: 'The moment the metrics were computed for.' })
  asOf: Date;

  @Field(() => MetricsChangeCause, { description: 'What made the refresh run.' })
  cause: MetricsChangeCause;

  @Field(() => ChurnRiskLevel, {
    nullable: true,
    description: 'Churn risk level; null without purchases.',
  })
  churnLevel: ChurnRiskLevel | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Probability the customer is still active, at full precision; null without purchases.',
  })
  probabilityAlive: number | null;

  @Field(() => Money, {
    nullable: true,
    description:
      'Predicted CLV over 12 months at 1% a month, as stored; null without a spend model.',
  })
  predictedClv: Money | null;

  @Field(() => ID, { description: 'The model fit the metrics were computed with (ModelFit.id).' })
  fitId: string;

  @Field({ description: 'When the refresh wrote this change (wall clock).' })
  recordedAt: Date;
}

export const MetricsChangeConnection = Connection(
  MetricsChange,
  'MetricsChangeConnection',
  'changes of stored metrics',
);

@ArgsType()
export class MetricsHistoryArgs {
  @Field(() => Int, {
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many changes, 1 to ${MAX_PAGE_SIZE}, newest first.`,
  })
  first: number;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque cursor: return changes older than this one.',
  })
  after?: string | null;
}

export interface MetricsHistoryRow {
  id: string;
  customer_id: string;
  as_of: Date;
  cause: string;
  fit_id: string;
  churn_level: string | null;
  probability_alive: number | null;
  predicted_clv_minor: string | null;
  recorded_at: Date;
}

export function toMetricsChange(row: MetricsHistoryRow, currency: string): MetricsChange {
  return {
    asOf: row.as_of,
    cause: row.cause as MetricsChangeCause,
    churnLevel: row.churn_level as ChurnRiskLevel | null,
    probabilityAlive: row.probability_alive,
    predictedClv: row.predicted_clv_minor == null ? null : money(row.predicted_clv_minor, currency),
    fitId: row.fit_id,
    recordedAt: row.recorded_at,
  };
}
