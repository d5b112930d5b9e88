import { Arg, Args, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { RequireScopes } from '../../common/require-scopes';
import type { WebhookDeliveryService } from './webhook-delivery.service';
import type { WebhookEndpointService } from './webhook-endpoint.service';
import {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesArgs,
} from './webhook.inputs';
import {
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from './webhook.types';

@Resolver()
export class WebhookResolver {
  constructor(
    private readonly endpoints: WebhookEndpointService,
    private readonly deliveries: WebhookDeliveryService,
    private readonly wake: () => void,
  ) {}

  @RequireScopes('admin')
  @Query(() => [WebhookEndpoint], { description: 'Every webhook endpoint, oldest first (admin).' })
  webhookEndpoints() {
    return this.endpoints.list();
  }

  @RequireScopes('admin')
  @Query(() => WebhookDeliveryConnection, {
    description: 'The deliveries to one endpoint, newest first, with their last attempt (admin).',
  })
  webhookDeliveries(@Args() args: WebhookDeliveriesArgs) {
    return this.deliveries.page(args);
  }

  @RequireScopes('admin')
  @Mutation(() => WebhookEndpointWithSecret, {
    description:
      'Create a webhook endpoint (admin): events of its types, as its API key may read them, signed with a new secret shown once.',
  })
  createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput, { description: 'The endpoint.' })
    input: CreateWebhookEndpointInput,
  ) {
    return this.endpoints.create(input);
  }

  @RequireScopes('admin')
  @Mutation(() => WebhookEndpoint, { description: 'Change a webhook endpoint (admin).' })
  updateWebhookEndpoint(
    @Arg('id', () => ID, { description: 'Endpoint id.' }) id: string,
    @Arg('input', () => UpdateWebhookEndpointInput, { description: 'What changes.' })
    input: UpdateWebhookEndpointInput,
  ) {
    return this.endpoints.update(id, input);
  }

  @RequireScopes('admin')
  @Mutation(() => WebhookEndpoint, {
    description: 'Stop deliveries to an endpoint (admin); its pending deliveries wait.',
  })
  disableWebhookEndpoint(@Arg('id', () => ID, { description: 'Endpoint id.' }) id: string) {
    return this.endpoints.setEnabled(id, false);
  }

  @RequireScopes('admin')
  @Mutation(() => WebhookEndpoint, {
    description: 'Resume deliveries to an endpoint (admin): its pending ones, then new events.',
  })
  enableWebhookEndpoint(@Arg('id', () => ID, { description: 'Endpoint id.' }) id: string) {
    return this.endpoints.setEnabled(id, true);
  }

  @RequireScopes('admin')
  @Mutation(() => Boolean, {
    description: 'Delete an endpoint and its delivery records (admin); true when done.',
  })
  deleteWebhookEndpoint(@Arg('id', () => ID, { description: 'Endpoint id.' }) id: string) {
    return this.endpoints.delete(id);
  }

  @RequireScopes('admin')
  @Mutation(() => WebhookEndpointWithSecret, {
    description:
      'Give an endpoint a new signing secret (admin), shown once; the old one keeps signing too (two v1 signatures) for overlapHours.',
  })
  rotateWebhookSecret(
    @Arg('id', () => ID, { description: 'Endpoint id.' }) id: string,
    @Arg('overlapHours', () => Int, {
      defaultValue: 24,
      description: 'Hours the old secret still signs, 0 to 168.',
    })
    overlapHours: number,
  ) {
    return this.endpoints.rotateSecret(id, overlapHours);
  }

  @RequireScopes('admin')
  @Mutation(() => WebhookDelivery, {
    description:
      'Send one delivery again (admin), with the same webhook-id, as a new attempt; its endpoint must be enabled.',
  })
  async redeliverWebhook(
    @Arg('deliveryId', () => ID, { description: 'Delivery id (WebhookDelivery.id).' })
    deliveryId: string,
  ) {
    const delivery = await this.deliveries.redeliver(deliveryId);
    this.wake();
    return delivery;
  }
}
