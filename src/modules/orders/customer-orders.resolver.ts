import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Customer } from '../customers';
import { CustomerOrdersArgs } from './order.inputs';
import { OrderConnection } from './order.types';
import { RequireScopes } from '../../common/require-scopes';

/** The orders module adds Customer.orders; customers/ knows nothing of orders. */
@Resolver(() => Customer)
export class CustomerOrdersResolver {
  @RequireScopes('orders:read')
  @FieldResolver(() => OrderConnection, { description: 'The customer’s orders, newest first.' })
  orders(@Root() customer: Customer, @Args() args: CustomerOrdersArgs, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orders.pageByCustomerId.load({
      parentId: customer.databaseId,
      args: { ...args },
    });
  }
}
