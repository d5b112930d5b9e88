import { formatMinorUnits } from '../../common/money';
import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { MetricsChangeCause } from './metrics-history.types';

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** A customer's stored churn level changed (LOW, MEDIUM, HIGH; null: not assessed). */
    'metrics.churn_risk_changed': {
      customerId: string;
      fromLevel: string | null;
      toLevel: string | null;
      score: number | null;
      cause: MetricsChangeCause;
      asOf: Date;
    };
    /** A customer's stored predicted CLV moved past METRICS_CLV_EVENT_PERCENT since its last announcement. */
    'metrics.clv_changed': {
      customerId: string;
      fromMinor: string | null;
      toMinor: string | null;
      currency: string;
      cause: MetricsChangeCause;
      asOf: Date;
    };
  }
}

const money = (minor: string | null, currency: string) =>
  minor === null ? null : { amount: formatMinorUnits(minor, currency), currency };

export const METRICS_PUBLIC_EVENTS = [
  publicEvent({
    type: 'metrics.churn_risk_changed',
    enumName: 'METRICS_CHURN_RISK_CHANGED',
    description:
      'A customer’s churn level changed: data.fromLevel, data.toLevel, data.score, data.cause (why the metrics were recomputed), data.asOf.',
    from: 'metrics.churn_risk_changed',
    scope: 'metrics:read',
    personal: [],
    toOutbox: ({ customerId, ...change }) => [
      { customerId, data: { customerId: toGlobalId('Customer', customerId), ...change } },
    ],
  }),
  publicEvent({
    type: 'metrics.clv_changed',
    enumName: 'METRICS_CLV_CHANGED',
    description:
      'A customer’s 12-month predicted CLV moved past METRICS_CLV_EVENT_PERCENT since the last such event: data.from, data.to (Money), data.cause, data.asOf.',
    from: 'metrics.clv_changed',
    scope: 'metrics:read',
    personal: [],
    toOutbox: ({ customerId, fromMinor, toMinor, currency, cause, asOf }) => [
      {
        customerId,
        data: {
          customerId: toGlobalId('Customer', customerId),
          from: money(fromMinor, currency),
          to: money(toMinor, currency),
          cause,
          asOf,
        },
      },
    ],
  }),
];
