import type { ModuleManifest } from '../../common/module-manifest';
import type { TextColumns } from '../../common/personal-data';
import { ChangeEventService } from './change-event.service';
import { EventsResolver } from './events.resolver';
import { EventsSubscriptionResolver } from './events-subscription.resolver';
import { registerChangeEventTypes } from './events.types';
import { EVENT_ENTITIES } from './outbox-event.entity';
import { OutboxService } from './outbox.service';
export { ChangeEventService } from './change-event.service';
export { OutboxService, START_OF_OUTBOX } from './outbox.service';
export type { OutboxEvent, OutboxPosition } from './outbox.service';
export { ChangeEvent, ChangeEventType } from './events.types';
export { NatsStreamPublisher, NATS_SUBJECT_PREFIX } from './nats-publisher';
export type { NatsStreamOptions, NatsStreamStatus } from './nats-publisher';
export { OutboxFeed, OUTBOX_CHANNEL } from './outbox-feed';
export { ChangeSubscriptions } from './change-subscriptions';

/** The outbox's facts can quote personal data (a customer's email in customer.updated): erased with the customer. */
const eventTextColumns: TextColumns[] = [
  {
    table: 'outbox_events',
    customerKey: 'customer_id',
    personal: { data: "'{}'::jsonb" },
    notPersonal: { type: 'ChangeEventType name' },
  },
  {
    table: 'outbox_consumers',
    customerKey: null,
    personal: {},
    notPersonal: { name: 'name of a reader inside the server (nats, webhooks)' },
  },
];

/**
 * Change events: the transactional outbox every public event is written to (in the transaction of its change),
 * and the `events` connection that reads it. Every other module only publishes domain events.
 */
export const eventsModule = {
  name: 'events',
  entities: EVENT_ENTITIES,
  services({ dataSource, publicEvents }) {
    registerChangeEventTypes(publicEvents);
    const outbox = new OutboxService(dataSource);
    return { outbox, changeEvents: new ChangeEventService(outbox, publicEvents) };
  },
  resolvers: (s) => [new EventsResolver(s.changeEvents), new EventsSubscriptionResolver()],
  subscribe: (s, events) => s.changeEvents.subscribe(events),
  textColumns: eventTextColumns,
  jobs: (s, settings) => [
    {
      name: 'prune-events',
      description: `Deletes change events older than EVENT_RETENTION_DAYS (${settings.eventRetentionDays}) from the outbox.`,
      schedule: '45 3 * * *',
      retry: { retryLimit: 3, retryDelaySeconds: 300, backoff: true },
      expireInSeconds: 30 * 60,
      run: async ({ now }) => ({
        deleted: await s.outbox.prune(
          new Date(now.getTime() - settings.eventRetentionDays * 86_400_000),
        ),
      }),
    },
  ],
} satisfies ModuleManifest<{ outbox: OutboxService; changeEvents: ChangeEventService }>;
