import type { ModuleManifest } from '../../common/module-manifest';
import type { TextColumns } from '../../common/personal-data';
import type { ChangeEventService, OutboxService } from '../events';
import type { ApiKeyService } from '../partners';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpointService } from './webhook-endpoint.service';
import { WEBHOOK_ENTITIES } from './webhook.entity';
import { WEBHOOK_PUBLIC_EVENTS } from './webhook.events';
import { WebhookResolver } from './webhook.resolver';
import { WebhookSecretBox } from './webhook-secret';
export { WebhookDispatcher } from './webhook-dispatcher';

/** Endpoints hold no one's personal data; deliveries name a customer by id and carry no payload (it is the outbox's). */
const webhookTextColumns: TextColumns[] = [
  {
    table: 'webhook_endpoints',
    customerKey: null,
    personal: {},
    notPersonal: {
      url: 'the receiver’s address, set by an admin',
      description: 'an admin’s label for the endpoint',
      event_types: 'ChangeEventType names',
      status: 'ENABLED or DISABLED',
      disabled_reason: 'a code from a closed set',
      secret_sealed: 'sealed signing secret',
      previous_secret_sealed: 'sealed signing secret',
    },
  },
  {
    table: 'webhook_deliveries',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: {
      status: 'PENDING, DELIVERED or FAILED',
      last_error: 'an HTTP status or socket error the server writes itself',
    },
  },
];

interface WebhookServices {
  webhookEndpoints: WebhookEndpointService;
  webhookDeliveries: WebhookDeliveryService;
  webhookDispatcher: WebhookDispatcher;
}

/**
 * Signed webhooks (docs/events.md#webhooks): endpoints per API key, a fan-out from the outbox into deliveries, and
 * the worker that sends them in per-customer order (started and stopped by the app, see createApp).
 */
export const webhooksModule = {
  name: 'webhooks',
  entities: WEBHOOK_ENTITIES,
  services({ dataSource, events, settings }, d) {
    let dispatcher: WebhookDispatcher | null = null;
    const endpoints = new WebhookEndpointService(
      dataSource,
      events,
      d.apiKeys,
      d.changeEvents,
      d.outbox,
      new WebhookSecretBox(settings.apiKeyHashKey),
      settings,
      () => dispatcher?.endpointsChanged(),
    );
    const deliveries = new WebhookDeliveryService(dataSource, d.outbox, endpoints);
    dispatcher = new WebhookDispatcher(
      deliveries,
      endpoints,
      d.outbox,
      d.changeEvents,
      d.apiKeys,
      settings,
    );
    return {
      webhookEndpoints: endpoints,
      webhookDeliveries: deliveries,
      webhookDispatcher: dispatcher,
    };
  },
  resolvers: (s) => [
    new WebhookResolver(s.webhookEndpoints, s.webhookDeliveries, () => s.webhookDispatcher.wake()),
  ],
  publicEvents: WEBHOOK_PUBLIC_EVENTS,
  textColumns: webhookTextColumns,
  jobs: (s, settings) => [
    {
      name: 'prune-webhook-deliveries',
      description: `Deletes finished webhook deliveries (delivered or given up) older than EVENT_RETENTION_DAYS (${settings.eventRetentionDays}).`,
      schedule: '50 3 * * *',
      retry: { retryLimit: 3, retryDelaySeconds: 300, backoff: true },
      expireInSeconds: 30 * 60,
      run: async ({ now }) => ({
        deleted: await s.webhookDeliveries.pruneFinished(
          new Date(now.getTime() - settings.eventRetentionDays * 86_400_000),
        ),
      }),
    },
  ],
} satisfies ModuleManifest<
  WebhookServices,
  { apiKeys: ApiKeyService; changeEvents: ChangeEventService; outbox: OutboxService }
>;
