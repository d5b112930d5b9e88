import DataLoader from 'dataloader';
import { createNestedPageLoader } from '../../common/nested-pages';
import { createFilteredCountLoader } from '../../common/count-loader';
import { CustomerOrdersArgs } from './order.inputs';
import { OrderService } from './order.service';
import { OrderSpendService } from './order-spend.service';
import { Order, OrderLine, OrderReturn } from './order.types';
import { ConnectionArgs } from '../../common/pagination';

export const createOrderLoaders = (orders: OrderService, spend: OrderSpendService) => {
  const counts = createFilteredCountLoader((ids, statuses) =>
    orders.countByCustomerIds(ids, statuses),
  );
  const returnCounts = new DataLoader((ids: readonly string[]) =>
    orders.countReturnsByCustomerIds(ids),
  );
  return {
    byId: new DataLoader((ids: readonly string[]) => orders.findByIds(ids)),
    productById: new DataLoader((ids: readonly string[]) => orders.productsByIds(ids)),
    returnById: new DataLoader((ids: readonly string[]) => orders.returnsByIds(ids)),
    lines: new DataLoader<{ customerId: string; orderId: string }, OrderLine[], string>(
      (keys) => orders.linesByOrders(keys),
      { cacheKeyFn: (k) => k.orderId },
    ),
    returns: new DataLoader((ids: readonly string[]) => orders.returnsByOrderIds(ids)),
    totals: new DataLoader((ids: readonly string[]) => spend.totalsByCustomerIds(ids)),
    returnPageByCustomerId: createNestedPageLoader<OrderReturn, ConnectionArgs>((ids, args) =>
      orders.returnPagesByCustomerIds(ids, args, (id) => returnCounts.load(id)),
    ),
    pageByCustomerId: createNestedPageLoader<Order, CustomerOrdersArgs>((ids, args) =>
      orders.pagesByCustomerIds(ids, args, (id) =>
        counts.load({ parentId: id, filter: args.statuses ?? null }),
      ),
    ),
  };
};

export type OrderLoaders = ReturnType<typeof createOrderLoaders>;

declare module '../../common/request-context' {
  interface Loaders {
    orders: OrderLoaders;
  }
}
