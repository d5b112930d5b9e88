import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../common/pagination';
import { ChangeEventType } from '../events';
import { WebhookDeliveryStatus } from './webhook.types';

@InputType({ description: 'A new webhook endpoint.' })
export class CreateWebhookEndpointInput {
  @MaxLength(2048)
  @Field({
    description:
      'Where to POST events: https in production; refused when its host resolves to a private, loopback or link-local address (unless WEBHOOK_ALLOW_PRIVATE).',
  })
  url: string;

  @Field(() => [ChangeEventType], {
    description:
      'The event types to deliver; each must be readable by the API key (else FORBIDDEN).',
  })
  eventTypes: string[];

  @Field(() => ID, {
    description:
      'The API key whose view of each event is sent (its scopes, pii:read for personal fields).',
  })
  apiKeyId: string;

  @MaxLength(500)
  @Field(() => String, {
    nullable: true,
    description: 'What the endpoint is for (up to 500 characters).',
  })
  description?: string | null;
}

@InputType({ description: 'Changes to a webhook endpoint; omitted fields stay as they are.' })
export class UpdateWebhookEndpointInput {
  @MaxLength(2048)
  @Field(() => String, { nullable: true, description: 'A new URL (checked as at creation).' })
  url?: string | null;

  @Field(() => [ChangeEventType], {
    nullable: true,
    description: 'New event types (readable by the key).',
  })
  eventTypes?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Another API key whose view is sent.' })
  apiKeyId?: string | null;

  @MaxLength(500)
  @Field(() => String, { nullable: true, description: 'A new description.' })
  description?: string | null;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => ID, { description: 'The endpoint whose deliveries to list.' })
  endpointId: string;

  @Field(() => WebhookDeliveryStatus, {
    nullable: true,
    description: 'Only deliveries in this status.',
  })
  status?: string | null;

  @Field(() => Int, { description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  first: number;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque cursor: the endCursor of the previous page.',
  })
  after?: string | null;
}
