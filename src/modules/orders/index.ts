import type { TextColumns } from '../../common/personal-data';
import type { ModuleManifest } from '../../common/module-manifest';
import { ShopTime } from '../../common/shop-time';
import type { CustomerService } from '../customers';
import { OrderService } from './order.service';
import { OrderSpendService } from './order-spend.service';
import { PurchaseHistoryQueries } from './purchase-history.queries';
import { ProductAffinityQueries } from './product-affinity.queries';
import { CohortValueQueries } from './cohort-value.queries';
import { OrderWriterService } from './order-writer.service';
import { OrderImportService } from './order-import.service';
import { createOrderLoaders } from './order.loaders';
import { OrderResolver, OrderReturnResolver } from './order.resolver';
import { CustomerOrdersResolver } from './customer-orders.resolver';
import { orderProjections, orderResolverOnly } from './order.compiled';
import { ORDER_ENTITIES } from './order.entity';
import { orderTimelineSources } from './order.timeline';
import { ORDER_PUBLIC_EVENTS } from './order.events';
export { OrderService } from './order.service';
export { countedOrder, countedSpend, OrderSpendService } from './order-spend.service';
export type { OrderTotals } from './order-spend.service';
export { PurchaseHistoryQueries } from './purchase-history.queries';
export type { PurchaseHistory } from './purchase-history.queries';
export { ProductAffinityQueries } from './product-affinity.queries';
export { CohortValueQueries } from './cohort-value.queries';
export type { CohortPurchaseGroup, CohortSpendRow } from './cohort-value.queries';
export type { ProductCycleRow, AssociationRow } from './product-affinity.queries';
export { OrderWriterService } from './order-writer.service';
export type { OrderFacts, OrderLineFacts, ReturnedLineFacts } from './order.events';
export { OrderImportService } from './order-import.service';
export { Order, OrderReturn, Product, OrderStatus, SalesChannel } from './order.types';
export { countedOrdersSql, readSpendFigures, SPEND_SQL, spendFiguresSql } from './order.compiled';

/** The module's text columns. Orders and amounts stay after erasure (bookkeeping), under the pseudonymous id. */
const orderTextColumns: TextColumns[] = [
  {
    table: 'orders',
    customerKey: 'customer_id',
    personal: {},
    notPersonal: {
      channel: 'SalesChannel code',
      status: 'OrderStatus code',
      source: 'name of the system that sent the order',
      external_ref: 'the order number in that system, kept for bookkeeping',
      currency: 'ISO 4217 code',
    },
  },
  {
    table: 'order_returns',
    customerKey: 'customer_id',
    personal: { reason: 'null' },
    notPersonal: {},
  },
  {
    table: 'products',
    customerKey: null,
    personal: {},
    notPersonal: {
      sku: 'catalogue',
      name: 'catalogue',
      category: 'catalogue',
      currency: 'ISO 4217 code',
    },
  },
];

export const ordersModule = {
  name: 'orders',
  entities: ORDER_ENTITIES,
  publicEvents: ORDER_PUBLIC_EVENTS,
  services({ dataSource, settings, events }, { customers }) {
    const orders = new OrderService(dataSource, settings.shopCurrency);
    const shopTime = new ShopTime(settings.shopTimeZone);
    const orderSpend = new OrderSpendService(dataSource, shopTime);
    return {
      orders,
      orderSpend,
      purchaseHistory: new PurchaseHistoryQueries(dataSource, shopTime),
      productAffinity: new ProductAffinityQueries(dataSource, shopTime),
      cohortSpend: new CohortValueQueries(dataSource, shopTime),
      orderWriter: new OrderWriterService(dataSource, orders, orderSpend, customers, events),
      orderImport: new OrderImportService(
        dataSource,
        orders,
        orderSpend,
        customers,
        shopTime,
        events,
      ),
    };
  },
  resolvers: (s) => [
    new OrderResolver(s.orderWriter, s.orders),
    new OrderReturnResolver(),
    new CustomerOrdersResolver(),
  ],
  loaders: { key: 'orders', create: (s) => createOrderLoaders(s.orders, s.orderSpend) },
  projections: (settings) => orderProjections(settings.shopCurrency),
  resolverOnly: orderResolverOnly,
  nodeTypes: {
    Order: { scope: 'orders:read', fetch: (ctx, id) => ctx.loaders.orders.byId.load(id) },
    Product: { scope: 'orders:read', fetch: (ctx, id) => ctx.loaders.orders.productById.load(id) },
    OrderReturn: {
      scope: 'orders:read',
      fetch: (ctx, id) => ctx.loaders.orders.returnById.load(id),
    },
  },
  textColumns: orderTextColumns,
  personalData: (s) => ({ exportRows: (id) => s.orders.exportRows(id) }),
  timelineSources: orderTimelineSources,
} satisfies ModuleManifest<OrderServices, { customers: CustomerService }>;

interface OrderServices {
  orders: OrderService;
  orderSpend: OrderSpendService;
  purchaseHistory: PurchaseHistoryQueries;
  productAffinity: ProductAffinityQueries;
  orderWriter: OrderWriterService;
  orderImport: OrderImportService;
}
