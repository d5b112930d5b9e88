import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { PublicEventSpec } from '../../common/public-events';
import { Connection, MAX_PAGE_SIZE } from '../../common/pagination';

/**
 * The enum of public event types, filled from every module's `publicEvents` when the services are built (before
 * the schema), so the catalogue stays with the modules that publish the events.
 */
export const ChangeEventType: Record<string, string> = {};
let registered = false;

export function registerChangeEventTypes(specs: readonly PublicEventSpec[]): void {
  if (registered) return;
  registered = true;
  const descriptions: Record<string, { description: string }> = {};
  for (const spec of specs) {
    // One type may be made from several domain events (order.recorded: a recorded order, an import's orders).
    if (spec.enumName in ChangeEventType) continue;
    ChangeEventType[spec.enumName] = spec.enumName;
    descriptions[spec.enumName] = {
      description: `${spec.type}: ${spec.description} Needs ${spec.scope}.`,
    };
  }
  registerEnumType(ChangeEventType, {
    name: 'ChangeEventType',
    description:
      'A type of change event (outbox, webhooks, subscriptions, the NATS stream c360.<type>); each is read with its scope.',
    valuesConfig: descriptions,
  });
}

@ObjectType({
  description:
    'A change of interest, as the transactional outbox recorded it in the transaction of the change (docs/events.md).',
})
export class ChangeEvent {
  @Field(() => ID, {
    description:
      'The event id: unique, and the de-duplication id of every delivery (webhook-id, Nats-Msg-Id).',
  })
  id: string;

  @Field(() => ChangeEventType, { description: 'The type of change.' })
  type: string;

  @Field({
    description:
      'The public name of the type, e.g. order.recorded (the NATS subject is c360.<name>).',
  })
  name: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The global id of the customer the event is about; null for events of the system.',
  })
  customerId: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The position of the event among its customer’s events, 1, 2, 3… in commit order (a decimal string); null without a customer.',
  })
  sequence: string | null;

  @Field({ description: 'When the change committed (the transaction’s time).' })
  occurredAt: Date;

  @Field(() => GraphQLJSONObject, {
    description:
      'The facts of the change as JSON; personal fields only for keys with pii:read (see redacted). Layouts per type in docs/events.md.',
  })
  data: Record<string, unknown>;

  @Field(() => [String], {
    description:
      'Dotted paths of personal fields withheld from data because the key lacks pii:read.',
  })
  redacted: string[];
}

export const ChangeEventConnection = Connection(
  ChangeEvent,
  'ChangeEventConnection',
  'change events in commit order',
);

@ArgsType()
export class EventsArgs {
  @Field(() => Int, { description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  first: number;

  @Field(() => String, {
    nullable: true,
    description:
      'Opaque cursor: events committed after this one (the endCursor of the previous page).',
  })
  after?: string | null;

  @Field(() => [ChangeEventType], {
    nullable: true,
    description: 'Only these types (all the key may read when omitted).',
  })
  types?: string[] | null;
}
