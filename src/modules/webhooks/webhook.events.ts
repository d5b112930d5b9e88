import { publicEvent } from '../../common/public-events';

/** Why an endpoint stopped receiving deliveries. */
export type WebhookDisabledReason = 'GONE' | 'RETRIES_EXHAUSTED' | 'API_KEY_INACTIVE' | 'MANUAL';

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** The server (not an admin) stopped an endpoint: a 410 Gone, retries given up, or its API key went away. */
    'webhook.endpoint_disabled': {
      endpointId: string;
      url: string;
      reason: WebhookDisabledReason;
      /** The delivery that made it stop, with its event and last answer. */
      deliveryId: string | null;
      eventId: string | null;
      lastStatusCode: number | null;
      lastError: string | null;
      attempts: number;
    };
  }
}

/** A system event (no customer), for admins: an operator learns that a receiver stopped getting events. */
export const WEBHOOK_PUBLIC_EVENTS = [
  publicEvent({
    type: 'webhook.endpoint_disabled',
    enumName: 'WEBHOOK_ENDPOINT_DISABLED',
    description:
      'A webhook endpoint was disabled by the server: data.endpoint (id, url), data.reason (GONE, RETRIES_EXHAUSTED, API_KEY_INACTIVE), data.delivery (id, eventId, attempts, lastStatusCode, lastError).',
    from: 'webhook.endpoint_disabled',
    scope: 'admin',
    personal: [],
    toOutbox: (e) => [
      {
        customerId: null,
        data: {
          endpoint: { id: e.endpointId, url: e.url },
          reason: e.reason,
          delivery: {
            id: e.deliveryId,
            eventId: e.eventId,
            attempts: e.attempts,
            lastStatusCode: e.lastStatusCode,
            lastError: e.lastError,
          },
        },
      },
    ],
  }),
];
