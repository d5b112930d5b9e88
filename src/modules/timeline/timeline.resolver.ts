import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { decodeCursor, encodeCursor, Page, resolvePageWindow } from '../../common/pagination';
import { BadUserInputError } from '../../common/errors';
import { Customer } from '../customers';
import { hasScope } from '../../common/scopes';
import type { TimelineSource } from '../../common/timeline-source';
import {
  TimelineArgs,
  TimelineConnection,
  TimelineEvent,
  TimelineEventKind,
} from './timeline.types';
import { RequireScopes } from '../../common/require-scopes';

const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const MIN_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Customer.timeline merges the newest pages of each source (each one keyset statement for the whole
 * list of customers) into one order: time, then kind, then id, all descending.
 */
@Resolver(() => Customer)
export class CustomerTimelineResolver {
  constructor(private readonly sources: readonly TimelineSource[]) {}

  @RequireScopes('customers:read')
  @FieldResolver(() => TimelineConnection, {
    description:
      'Orders, returns, feedback, communications and loyalty events in one list, newest first.',
  })
  async timeline(
    @Root() customer: Customer,
    @Args() args: TimelineArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<Page<TimelineEvent>> {
    const window = resolvePageWindow({ first: args.first }, 3);
    const cursor = args.after
      ? (decodeCursor(args.after, 'after', 3) as [string, TimelineEventKind, string])
      : null;
    if (
      cursor &&
      (Number.isNaN(Date.parse(cursor[0])) || !this.sources.some((s) => s.kind === cursor[1]))
    ) {
      throw new BadUserInputError('after is not a timeline cursor', { field: 'after' });
    }
    // Only the kinds this key may read: the timeline is no way around the scopes.
    const wanted = this.sources.filter(
      (s) =>
        (!args.kinds?.length || args.kinds.includes(s.kind)) && hasScope(ctx.principal, s.scope),
    );
    const pages = await Promise.all(
      wanted.map((source) => {
        const after = cursor
          ? encodeCursor([
              cursor[0],
              source.kind === cursor[1] ? cursor[2] : source.kind < cursor[1] ? MAX_UUID : MIN_UUID,
            ])
          : null;
        return source.page(ctx, customer.databaseId, { first: window.limit, after });
      }),
    );
    const events: TimelineEvent[] = pages.flatMap((page, i) =>
      page.nodes.map((node) => ({
        kind: wanted[i].kind,
        subject: node,
        databaseId: node.databaseId,
        ...wanted[i].describe(node),
      })),
    );
    events.sort(
      (a, b) =>
        b.occurredAt.getTime() - a.occurredAt.getTime() ||
        (a.kind < b.kind ? 1 : a.kind > b.kind ? -1 : 0) ||
        (a.databaseId < b.databaseId ? 1 : a.databaseId > b.databaseId ? -1 : 0),
    );
    const page = events.slice(0, window.limit);
    const edges = page.map((node) => ({
      cursor: encodeCursor([node.occurredAt.toISOString(), node.kind, node.databaseId]),
      node,
    }));
    return {
      edges,
      nodes: page,
      pageInfo: {
        hasNextPage: events.length > window.limit || pages.some((p) => p.pageInfo.hasNextPage),
        hasPreviousPage: cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      countAll: async () =>
        (await Promise.all(pages.map((p) => p.countAll()))).reduce((a, b) => a + b, 0),
    };
  }
}
