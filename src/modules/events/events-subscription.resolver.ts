import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { RequireScopes } from '../../common/require-scopes';
import type { RequestContext } from '../../common/request-context';
import { changeSubscriptionsOf } from './change-subscriptions';
import { ChangeEvent, ChangeEventType } from './events.types';

interface SubscribeData {
  args: Record<string, unknown>;
  context: RequestContext;
}

/** Change events pushed over WebSocket (graphql-ws on /graphql); each message is one ChangeEvent. */
@Resolver()
export class EventsSubscriptionResolver {
  @Subscription(() => ChangeEvent, {
    description:
      'Change events as they commit, over WebSocket (graphql-ws protocol on /graphql, the API key in connection_init): the types the key may read (admin every type), personal fields only with pii:read. Starts with what commits after subscribing; use the events query for what came before.',
    subscribe: ({ args, context }: SubscribeData) =>
      changeSubscriptionsOf(context).events(context.principal, args.types as string[] | null),
  })
  events(
    @Root() event: ChangeEvent,
    @Arg('types', () => [ChangeEventType], {
      nullable: true,
      description:
        'Only these types (all the key may read when omitted); FORBIDDEN for a type the key may not read.',
    })
    _types?: string[] | null,
  ): ChangeEvent {
    return event;
  }

  @RequireScopes('customers:read')
  @Subscription(() => ChangeEvent, {
    description:
      'The change events about one customer as they commit, over WebSocket: of the types the key may read (order events need orders:read…), personal fields only with pii:read.',
    subscribe: ({ args, context }: SubscribeData) =>
      changeSubscriptionsOf(context).customerChanged(context.principal, String(args.id)),
  })
  customerChanged(
    @Root() event: ChangeEvent,
    @Arg('id', () => ID, { description: 'Customer id (global id or UUID).' }) _id: string,
  ): ChangeEvent {
    return event;
  }
}
