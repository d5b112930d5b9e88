import { formatMinorUnits } from '../../common/money';
import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { ProposedAction } from './next-best-action';

/** The scope an action's source needs beyond metrics:read (a reorder reminder names a purchase…). */
export const ACTION_SOURCE_SCOPE: Partial<Record<string, string>> = {
  REORDER_REMINDER: 'orders:read',
  COMPLEMENTARY_PRODUCT: 'orders:read',
  SERVICE_FOLLOW_UP: 'feedback:read',
  THANK_YOU: 'feedback:read',
  TIER_NUDGE: 'loyalty:read',
  POINTS_EXPIRING: 'loyalty:read',
};

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** A next best action of a customer fell due (published by the daily action-due job). */
    'action.due': { customerId: string; action: ProposedAction; currency: string };
  }
}

export const ACTION_PUBLIC_EVENTS = [
  publicEvent({
    type: 'action.due',
    enumName: 'ACTION_DUE',
    description:
      'A next best action fell due: data.kind, data.channel (consented), data.dueDay, data.reason, data.expectedValue, data.weight. A greeting’s day and reason spell out a birthday or name day: they are in data.personal, for pii:read only. Actions built on orders, feedback or loyalty reach only keys that may read those.',
    from: 'action.due',
    scope: 'metrics:read',
    personal: ['personal'],
    alsoNeeds: (data) => ACTION_SOURCE_SCOPE[String(data.kind)] ?? null,
    toOutbox: ({ customerId, action, currency }) => {
      const details = { dueDay: action.dueDay, reason: action.reason };
      return [
        {
          customerId,
          data: {
            customerId: toGlobalId('Customer', customerId),
            kind: action.kind,
            channel: action.channel,
            expectedValue: {
              amount: formatMinorUnits(Math.round(action.expectedValueMinor), currency),
              currency,
            },
            weight: action.weight,
            ...(action.personalData ? { personal: details } : details),
          },
        },
      ];
    },
  }),
];
