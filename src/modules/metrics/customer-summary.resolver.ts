import { Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { selectsAnyOf } from '../../common/selection';
import type { RequestContext } from '../../common/request-context';
import { Customer } from '../customers';
import {
  CustomerSummary,
  NOT_ASKED,
  SATISFACTION_FIELDS,
  summariseCustomer,
} from './customer-summary';
import { RequireScopes } from '../../common/require-scopes';

@Resolver(() => Customer)
export class CustomerSummaryResolver {
  constructor(private readonly shopCurrency: string) {}

  @RequireScopes('orders:read')
  @FieldResolver(() => CustomerSummary, {
    description: 'Order count, spend, rhythm, NPS, CSAT and open complaints.',
  })
  async summary(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    // Feedback is read only when a feedback figure is asked for: a list of spend figures costs one statement less.
    const [spend, satisfaction] = await Promise.all([
      ctx.loaders.orders.totals.load(customer.databaseId),
      selectsAnyOf(info, SATISFACTION_FIELDS)
        ? ctx.loaders.feedback.totals.load(customer.databaseId)
        : NOT_ASKED,
    ]);
    return summariseCustomer(spend, satisfaction, ctx.now, this.shopCurrency);
  }
}
