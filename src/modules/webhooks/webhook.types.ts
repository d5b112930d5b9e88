import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { ChangeEventType } from '../events';

export enum WebhookEndpointStatus {
  ENABLED = 'ENABLED',
  DISABLED = 'DISABLED',
}
registerEnumType(WebhookEndpointStatus, {
  name: 'WebhookEndpointStatus',
  description: 'Whether an endpoint receives deliveries.',
  valuesConfig: {
    ENABLED: { description: 'Events of its types are delivered to it.' },
    DISABLED: {
      description:
        'Nothing is sent; its pending deliveries wait, and resume when it is enabled again (disabledReason says why).',
    },
  },
});

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where one delivery of one event to one endpoint stands.',
  valuesConfig: {
    PENDING: {
      description: 'Not yet answered with a 2xx: being sent, or waiting for its next attempt.',
    },
    DELIVERED: { description: 'The endpoint answered with a 2xx.' },
    FAILED: {
      description:
        'Given up: retries exhausted, a 410 Gone, or the event could no longer be sent (pruned, not readable by the key).',
    },
  },
});

@ObjectType({
  description:
    'A receiver of signed webhooks (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). Never shows its secret.',
})
export class WebhookEndpoint {
  @Field(() => ID, { description: 'Endpoint id.' }) id: string;
  @Field({ description: 'Where events are POSTed (https in production, never a private address).' })
  url: string;
  @Field(() => String, { nullable: true, description: 'What the endpoint is for.' })
  description: string | null;
  @Field(() => [ChangeEventType], { description: 'The event types delivered to it.' })
  eventTypes: string[];
  @Field(() => ID, {
    description:
      'The API key whose view of each event is sent (its scopes; personal fields only with pii:read). Revoked or expired, the endpoint is disabled.',
  })
  apiKeyId: string;
  @Field(() => WebhookEndpointStatus, { description: 'Whether it receives deliveries.' })
  status: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Why it is disabled: MANUAL (an admin), GONE (it answered 410), RETRIES_EXHAUSTED (a delivery failed for about a day), API_KEY_INACTIVE (its key was revoked or expired).',
  })
  disabledReason: string | null;
  @Field(() => Date, { nullable: true, description: 'When it was disabled.' })
  disabledAt: Date | null;
  @Field(() => Date, {
    nullable: true,
    description:
      'Until when the secret before the last rotation still signs too (a second v1 signature); null outside an overlap.',
  })
  previousSecretExpiresAt: Date | null;
  @Field({ description: 'When it was created; it receives the events committed after this.' })
  createdAt: Date;
  @Field({ description: 'When it was last changed.' }) updatedAt: Date;
}

@ObjectType({
  description: 'An endpoint with its signing secret: the only time the secret is shown.',
})
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint, { description: 'The endpoint.' }) endpoint: WebhookEndpoint;
  @Field({
    description:
      'The signing secret (whsec_…, Standard Webhooks); store it now, it cannot be shown again. Verify with it, e.g. new Webhook(secret).verify(body, headers).',
  })
  secret: string;
}

@ObjectType({
  description:
    'One event to one endpoint: its status and its last attempt (attempts are retried with backoff).',
})
export class WebhookDelivery {
  @Field(() => ID, { description: 'Delivery id (for redeliverWebhook).' }) id: string;
  @Field(() => ID, { description: 'The endpoint it goes to.' }) endpointId: string;
  @Field(() => ID, {
    description: 'The change event id (ChangeEvent.id), sent as webhook-id on every attempt.',
  })
  eventId: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The sequence of the event among its customer’s events (a decimal string); null for system events.',
  })
  sequence: string | null;
  @Field(() => WebhookDeliveryStatus, { description: 'Where it stands.' }) status: string;
  @Field(() => Int, { description: 'Attempts made so far (one under way counts).' })
  attempts: number;
  @Field(() => Date, {
    nullable: true,
    description: 'When the next attempt is due; null unless PENDING.',
  })
  nextAttemptAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the last attempt started.' })
  lastAttemptAt: Date | null;
  @Field(() => Int, {
    nullable: true,
    description: 'The HTTP status of the last answer; null without one.',
  })
  lastStatusCode: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'How long the last attempt took, in milliseconds.',
  })
  lastLatencyMs: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      'What went wrong on the last attempt (HTTP 500, ETIMEDOUT, ECONNREFUSED…); null after a success.',
  })
  lastError: string | null;
  @Field(() => Date, { nullable: true, description: 'When a 2xx came.' }) deliveredAt: Date | null;
  @Field({ description: 'When the event was handed to this endpoint.' }) createdAt: Date;
}

export const WebhookDeliveryConnection = Connection(
  WebhookDelivery,
  'WebhookDeliveryConnection',
  'webhook deliveries, newest first',
);
