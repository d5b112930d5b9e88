import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { RequireScopes } from '../../common/require-scopes';
import { Customer } from '../customers';
import { MetricsChangeConnection, MetricsHistoryArgs } from './metrics-history.types';

@Resolver(() => Customer)
export class MetricsHistoryResolver {
  @RequireScopes('metrics:read')
  @FieldResolver(() => MetricsChangeConnection, {
    description:
      'Changes of the stored metrics, newest first by as-of: churn level, P(alive) and predicted CLV after each change, and its cause. A refresh adds a change only when the level changed or P(alive) or the CLV moved by more than 1% (docs/graph.md); the newest METRICS_HISTORY_PER_CUSTOMER are kept.',
  })
  metricsHistory(
    @Root() customer: Customer,
    @Args() args: MetricsHistoryArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.loaders.metrics.historyPage.load({
      parentId: customer.databaseId,
      args: { first: args.first, after: args.after ?? null },
    });
  }
}
