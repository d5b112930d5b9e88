import { Ctx, FieldResolver, Resolver, Root, Authorized } from 'type-graphql';
import type { RequestContext } from '../../context';
import { Customer } from '../customers';
import { CustomerSummary, summariseCustomer } from './customer-summary';

@Resolver(() => Customer)
export class CustomerSummaryResolver {
  constructor(private readonly shopCurrency: string) {}

  @Authorized('orders:read')
  @FieldResolver(() => CustomerSummary, { description: 'Order count, spend, rhythm, NPS, CSAT and open complaints.' })
  async summary(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    const [spend, satisfaction] = await Promise.all([
      ctx.loaders.orders.totals.load(customer.databaseId),
      ctx.loaders.feedback.totals.load(customer.databaseId),
    ]);
    return summariseCustomer(spend, satisfaction, ctx.now, this.shopCurrency);
  }
}
