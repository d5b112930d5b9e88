import type { TextColumns } from '../../common/personal-data';
export { OrderService } from './order.service';
export { countedOrder, countedSpend, OrderSpendService } from './order-spend.service';
export type { OrderTotals } from './order-spend.service';
export { PurchaseHistoryQueries } from './purchase-history.queries';
export type { PurchaseHistory } from './purchase-history.queries';
export { ProductAffinityQueries } from './product-affinity.queries';
export type { ProductCycleRow, AssociationRow } from './product-affinity.queries';
export { OrderWriterService } from './order-writer.service';
export type { OrderWrittenListener } from './order-writer.service';
export { OrderImportService } from './order-import.service';
export { Order, OrderReturn, Product, OrderStatus, SalesChannel } from './order.types';
export { createOrderLoaders } from './order.loaders';
export { OrderResolver, OrderReturnResolver } from './order.resolver';
export { CustomerOrdersResolver } from './customer-orders.resolver';
export { countedOrdersSql, orderProjections, orderResolverOnly, readSpendFigures, SPEND_SQL, spendFiguresSql } from './order.compiled';

/** The module's text columns. Orders and amounts stay after erasure (bookkeeping), under the pseudonymous id. */
export const orderTextColumns: TextColumns[] = [
  { table: 'orders', customerKey: 'customer_id', personal: {},
    notPersonal: { channel: 'SalesChannel code', status: 'OrderStatus code', source: 'name of the system that sent the order',
      external_ref: 'the order number in that system, kept for bookkeeping', currency: 'ISO 4217 code' } },
  { table: 'order_returns', customerKey: 'customer_id', personal: { reason: 'null' }, notPersonal: {} },
  { table: 'products', customerKey: null, personal: {}, notPersonal: { sku: 'catalogue', name: 'catalogue', category: 'catalogue', currency: 'ISO 4217 code' } },
];
