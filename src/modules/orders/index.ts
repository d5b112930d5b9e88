export { OrderService } from './order.service';
export type { OrderTotals, PurchaseHistory, ProductCycleRow, AssociationRow } from './order.service';
export { OrderWriterService } from './order-writer.service';
export type { OrderWrittenListener } from './order-writer.service';
export { OrderImportService } from './order-import.service';
export { Order, OrderReturn, Product, OrderStatus, SalesChannel } from './order.types';
export { createOrderLoaders } from './order.loaders';
export { OrderResolver, OrderReturnResolver } from './order.resolver';
export { CustomerOrdersResolver } from './customer-orders.resolver';
