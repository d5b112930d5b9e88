import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { Communication } from './communication.types';

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** A contact with the customer was logged (a campaign, a support call, a chat…). */
    'communication.logged': { communication: Communication };
  }
}

export const COMMUNICATION_PUBLIC_EVENTS = [
  publicEvent({
    type: 'communication.logged',
    enumName: 'COMMUNICATION_LOGGED',
    description:
      'A contact with the customer was logged (data.communication: channel, direction, purpose, outcome…).',
    from: 'communication.logged',
    scope: 'communications:read',
    // The subject line and the agent's name are erased as personal data (communicationTextColumns).
    personal: ['communication.subject', 'communication.agent'],
    toOutbox: ({ communication: c }) => [
      {
        customerId: c.customerId,
        data: {
          communication: {
            id: c.id,
            databaseId: c.databaseId,
            customerId: toGlobalId('Customer', c.customerId),
            channel: c.channel,
            direction: c.direction,
            purpose: c.purpose,
            subject: c.subject,
            outcome: c.outcome,
            occurredAt: c.occurredAt,
            agent: c.agent,
            orderId: c.orderId && toGlobalId('Order', c.orderId),
            complaintId: c.complaintId && toGlobalId('Feedback', c.complaintId),
          },
        },
      },
    ],
  }),
];
