import { AppError } from '../../common/errors';
import { toDatabaseId } from '../../common/relay';
import { hasScope, type Principal } from '../../common/scopes';
import type { ChangeEventService } from './change-event.service';
import type { ChangeEvent } from './events.types';
import type { OutboxEvent } from './outbox.service';
import type { OutboxFeed } from './outbox-feed';

declare module '../../common/request-context' {
  interface RequestContext {
    /** The change streams of GraphQL subscriptions; present on WebSocket connections only. */
    changeSubscriptions?: ChangeSubscriptions;
  }
}

/** What a subscription streams: the outbox feed's events seen through ChangeEventService.view. */
export class ChangeSubscriptions {
  constructor(
    private readonly feed: OutboxFeed,
    private readonly changeEvents: ChangeEventService,
  ) {}

  /** Events of these types (all the key may read when null); FORBIDDEN for a type it may not read. */
  async events(principal: Principal | null, enumNames: readonly string[] | null | undefined) {
    const types = new Set(this.changeEvents.typesFor(principal, enumNames));
    if (types.size === 0) {
      throw new AppError(
        'Subscribing to events needs a read scope of at least one event type',
        'FORBIDDEN',
        {
          requiredScopes: [...new Set(this.changeEvents.specs.map((s) => s.scope))],
        },
      );
    }
    return this.stream(principal, (e) => types.has(e.type));
  }

  /** The events about one customer, of every type the key may read. */
  async customerChanged(principal: Principal | null, globalId: string) {
    if (!hasScope(principal, 'customers:read'))
      throw new AppError('customerChanged needs the customers:read scope', 'FORBIDDEN', {
        requiredScopes: ['customers:read'],
      });
    const customerId = toDatabaseId(globalId, 'Customer');
    const types = new Set(this.changeEvents.typesFor(principal, null));
    return this.stream(principal, (e) => e.customerId === customerId && types.has(e.type));
  }

  private async stream(principal: Principal | null, accepts: (e: OutboxEvent) => boolean) {
    const source = await this.feed.subscribe(accepts);
    const view = (e: OutboxEvent) => this.changeEvents.view(e, principal);
    const iterator: AsyncIterableIterator<ChangeEvent> = {
      async next() {
        for (;;) {
          const step = await source.next();
          if (step.done) return { value: undefined, done: true };
          const seen = view(step.value);
          if (seen) return { value: seen, done: false };
        }
      },
      return: async () => {
        await source.return!();
        return { value: undefined, done: true };
      },
      throw: async (error: unknown) => {
        await source.return!();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

/** The change streams of a subscription's context (only WebSocket connections have them). */
export function changeSubscriptionsOf(context: { changeSubscriptions?: ChangeSubscriptions }) {
  if (!context.changeSubscriptions)
    throw new AppError('Subscriptions are served over WebSocket only', 'BAD_REQUEST');
  return context.changeSubscriptions;
}
