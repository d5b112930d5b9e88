import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { ChangeEventConnection, EventsArgs } from './events.types';
import type { ChangeEventService } from './change-event.service';

@Resolver()
export class EventsResolver {
  constructor(private readonly changeEvents: ChangeEventService) {}

  @Query(() => ChangeEventConnection, {
    description:
      'Change events in commit order, from the transactional outbox: a key reads the types its scopes cover (admin every type), personal fields only with pii:read. Keep the endCursor and ask again for what came next; events are kept for EVENT_RETENTION_DAYS.',
  })
  events(@Args() args: EventsArgs, @Ctx() ctx: RequestContext) {
    return this.changeEvents.page(ctx.principal, args);
  }
}
