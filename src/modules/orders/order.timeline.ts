import { humanise, plural, type TimelineSource } from '../../common/timeline-source';
import { Order, OrderReturn } from './order.types';

/** Orders and returns on a customer's timeline. */
export const orderTimelineSources: [TimelineSource<Order>, TimelineSource<OrderReturn>] = [
  {
    kind: 'ORDER',
    description: 'An order placed.',
    type: Order,
    scope: 'orders:read',
    page: (ctx, id, args) => ctx.loaders.orders.pageByCustomerId.load({ parentId: id, args }),
    describe: (o) => ({
      occurredAt: o.placedAt,
      title: `Order ${o.externalRef}: ${plural(o.itemCount, 'item')}, ${o.net.amount} ${o.net.currency} (${humanise(o.status)}, ${humanise(o.channel)})`,
    }),
  },
  {
    kind: 'RETURN',
    description: 'Items returned.',
    type: OrderReturn,
    scope: 'orders:read',
    page: (ctx, id, args) => ctx.loaders.orders.returnPageByCustomerId.load({ parentId: id, args }),
    describe: (r) => ({
      occurredAt: r.returnedAt,
      title: `Returned ${plural(r.quantity, 'item')}, refund ${r.refund.amount} ${r.refund.currency}${r.reason ? `: ${r.reason}` : ''}`,
    }),
  },
];
