import { Field, ID, Int, ObjectType } from 'type-graphql';
import { describeEnum } from '../../common/enums';
import { Money, money } from '../../common/money';
import { Connection } from '../../common/pagination';
import { Node, toGlobalId } from '../../common/relay';

export enum OrderStatus {
  PLACED = 'PLACED',
  FULFILLED = 'FULFILLED',
  CANCELLED = 'CANCELLED',
  RETURNED = 'RETURNED',
  PARTIALLY_RETURNED = 'PARTIALLY_RETURNED',
}
describeEnum(OrderStatus, 'OrderStatus', 'Where an order stands.', {
  PLACED: 'Placed, not yet fulfilled.',
  FULFILLED: 'Delivered or handed over.',
  CANCELLED: 'Cancelled before fulfilment; not counted in spend.',
  RETURNED: 'Every item was returned.',
  PARTIALLY_RETURNED: 'Some items were returned.',
});

export enum BatchItemOutcome {
  CREATED = 'CREATED',
  EXISTED = 'EXISTED',
  FAILED = 'FAILED',
}
describeEnum(BatchItemOutcome, 'BatchItemOutcome', 'What happened to one item of a batch.', {
  CREATED: 'This call recorded it.',
  EXISTED: 'It was already recorded (same source and externalRef); nothing changed.',
  FAILED: 'It was not recorded; error says why. Sending it again is safe.',
});

export enum SalesChannel {
  WEB = 'WEB',
  STORE = 'STORE',
  APP = 'APP',
  PHONE = 'PHONE',
}
describeEnum(SalesChannel, 'SalesChannel', 'Where an order was placed.', {
  WEB: 'Web shop.',
  STORE: 'Physical store.',
  APP: 'Mobile app.',
  PHONE: 'Phone order.',
});

@ObjectType({ implements: Node, description: 'A product in the catalogue.' })
export class Product extends Node {
  __typename: 'Product';

  @Field(() => ID, { description: 'Database id (UUID).' })
  databaseId: string;

  @Field({ description: 'Stock keeping unit, unique.' })
  sku: string;

  @Field({ description: 'Product name.' })
  name: string;

  @Field({ description: 'Category, e.g. "coffee", "bathroom tiles".' })
  category: string;

  @Field(() => Money, { description: 'Current list price.' })
  unitPrice: Money;
}

@ObjectType({ description: 'One line of an order.' })
export class OrderLine {
  @Field(() => ID, { description: 'Global id of the line, used to record returns.' })
  id: string;

  // Read together with the line (one statement for both), so a plain field, not a resolver per line.
  @Field(() => Product, { nullable: true, description: 'The product.' })
  product: Product | null;

  databaseId: string;
  orderId: string;
  productId: string | null;

  @Field(() => Int, { description: 'Line number within the order, from 1.' })
  lineNo: number;

  @Field(() => Int, { description: 'Units ordered.' })
  quantity: number;

  @Field(() => Money, { description: 'Price of one unit on this order.' })
  unitPrice: Money;

  @Field(() => Money, { description: 'Quantity times unit price.' })
  lineTotal: Money;

  @Field(() => Int, { description: 'Units returned so far.' })
  returnedQuantity: number;

  @Field(() => Money, { description: 'Refunded for this line so far.' })
  refunded: Money;
}

@ObjectType({ implements: Node, description: 'An order with its lines, amounts and returns.' })
export class Order extends Node {
  __typename: 'Order';

  @Field(() => ID, { description: 'Database id (UUID).' })
  databaseId: string;

  customerId: string;

  @Field({ description: 'System the order came from, e.g. "shopify", "cdnow".' })
  source: string;

  @Field({ description: 'The order’s reference in its source; unique per source.' })
  externalRef: string;

  @Field({ description: 'When the order was placed.' })
  placedAt: Date;

  @Field(() => OrderStatus, { description: 'Current status.' })
  status: OrderStatus;

  @Field(() => SalesChannel, { description: 'Where it was placed.' })
  channel: SalesChannel;

  @Field(() => Money, {
    description: 'Sum of the line totals (or the order amount when it has no lines).',
  })
  gross: Money;

  @Field(() => Money, { description: 'Order-level discount.' })
  discount: Money;

  @Field(() => Money, { description: 'Gross minus discount: what the customer paid.' })
  net: Money;

  @Field(() => Money, { description: 'Refunded through returns.' })
  refunded: Money;

  @Field(() => Int, { description: 'Number of items.' })
  itemCount: number;
}

@ObjectType({
  implements: Node,
  description: 'A return of items from one order line, with its refund.',
})
export class OrderReturn extends Node {
  __typename: 'OrderReturn';

  @Field(() => ID, { description: 'Database id (UUID).' })
  databaseId: string;

  orderId: string;
  orderLineId: string;
  customerId: string;

  @Field(() => Int, { description: 'Units returned.' })
  quantity: number;

  @Field(() => Money, { description: 'Refunded amount.' })
  refund: Money;

  @Field(() => String, { nullable: true, description: 'Why the customer returned it.' })
  reason: string | null;

  @Field({ description: 'When the items came back.' })
  returnedAt: Date;
}

export const OrderConnection = Connection(Order, 'OrderConnection', 'orders');

export interface OrderRow {
  id: string;
  customer_id: string;
  source: string;
  external_ref: string;
  placed_at: Date;
  status: OrderStatus;
  channel: SalesChannel;
  currency: string;
  gross_minor: string;
  discount_minor: string;
  net_minor: string;
  refunded_minor: string;
  item_count: number;
}
export interface OrderLineRow {
  id: string;
  order_id: string;
  product_id: string | null;
  line_no: number;
  quantity: number;
  unit_price_minor: string;
  line_total_minor: string;
  returned_quantity: number;
  refunded_minor: string;
}
export interface OrderReturnRow {
  id: string;
  customer_id: string;
  order_id: string;
  order_line_id: string;
  quantity: number;
  refund_minor: string;
  reason: string | null;
  returned_at: Date;
}
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  category: string;
  unit_price_minor: string;
  currency: string;
}

// Instances, not plain objects: type-graphql would copy a plain root into one for every field resolver call.
export const toOrder = (r: OrderRow): Order =>
  Object.assign(new Order(), {
    __typename: 'Order',
    id: toGlobalId('Order', r.id),
    databaseId: r.id,
    customerId: r.customer_id,
    source: r.source,
    externalRef: r.external_ref,
    placedAt: r.placed_at,
    status: r.status,
    channel: r.channel,
    gross: money(r.gross_minor, r.currency),
    discount: money(r.discount_minor, r.currency),
    net: money(r.net_minor, r.currency),
    refunded: money(r.refunded_minor, r.currency),
    itemCount: r.item_count,
  });

export const toOrderLine = (
  r: OrderLineRow,
  currency: string,
  product: Product | null,
): OrderLine =>
  Object.assign(new OrderLine(), {
    product,
    id: toGlobalId('OrderLine', r.id),
    databaseId: r.id,
    orderId: r.order_id,
    productId: r.product_id,
    lineNo: r.line_no,
    quantity: r.quantity,
    unitPrice: money(r.unit_price_minor, currency),
    lineTotal: money(r.line_total_minor, currency),
    returnedQuantity: r.returned_quantity,
    refunded: money(r.refunded_minor, currency),
  });

export const toOrderReturn = (r: OrderReturnRow, currency: string): OrderReturn => ({
  __typename: 'OrderReturn',
  id: toGlobalId('OrderReturn', r.id),
  databaseId: r.id,
  orderId: r.order_id,
  orderLineId: r.order_line_id,
  customerId: r.customer_id,
  quantity: r.quantity,
  refund: money(r.refund_minor, currency),
  reason: r.reason,
  returnedAt: r.returned_at,
});

export const toProduct = (r: ProductRow): Product => ({
  __typename: 'Product',
  id: toGlobalId('Product', r.id),
  databaseId: r.id,
  sku: r.sku,
  name: r.name,
  category: r.category,
  unitPrice: money(r.unit_price_minor, r.currency),
});
