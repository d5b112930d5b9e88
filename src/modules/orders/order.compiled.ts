import {
  column,
  globalId,
  moneyOf,
  ResolverOnlyFields,
  timestamp,
  TypeProjections,
} from '../../compiled-reads';
import { ShopTime } from '../../common/shop-time';
import { CUSTOMER_ORDERS_PAGE } from './order.service';
import { countedOrder, OrderTotals } from './order-spend.service';

/** Order, line and product fields in SQL, each equal to what toOrder, toOrderLine and toProduct make of the row. */
export function orderProjections(shopCurrency: string): TypeProjections {
  // Orders are recorded in the shop currency; products may be priced in others.
  const rowCurrency = { column: 'currency', likely: shopCurrency };
  // Lines are priced in the shop currency, as toOrderLine prices them.
  const shop = { code: shopCurrency };
  return {
    Customer: {
      orders: { kind: 'page', page: { ...CUSTOMER_ORDERS_PAGE, parentKey: 'id' } },
    },
    Order: {
      id: globalId('Order'),
      databaseId: column('id'),
      source: column('source'),
      externalRef: column('external_ref'),
      placedAt: timestamp('placed_at'),
      status: column('status'),
      channel: column('channel'),
      gross: moneyOf('gross_minor', rowCurrency),
      discount: moneyOf('discount_minor', rowCurrency),
      net: moneyOf('net_minor', rowCurrency),
      refunded: moneyOf('refunded_minor', rowCurrency),
      itemCount: column('item_count'),
      lines: {
        kind: 'many',
        // By customer and order, so the lookup uses the index that leads with customer_id (as linesByOrders does).
        from: (o, l) =>
          `order_lines ${l} where ${l}.customer_id = ${o}.customer_id and ${l}.order_id = ${o}.id`,
        orderBy: (l) => `${l}.line_no`,
      },
    },
    OrderLine: {
      id: globalId('OrderLine'),
      lineNo: column('line_no'),
      quantity: column('quantity'),
      unitPrice: moneyOf('unit_price_minor', shop),
      lineTotal: moneyOf('line_total_minor', shop),
      returnedQuantity: column('returned_quantity'),
      refunded: moneyOf('refunded_minor', shop),
      product: { kind: 'one', from: (l, p) => `products ${p} where ${p}.id = ${l}.product_id` },
    },
    Product: {
      id: globalId('Product'),
      databaseId: column('id'),
      sku: column('sku'),
      name: column('name'),
      category: column('category'),
      unitPrice: moneyOf('unit_price_minor', rowCurrency),
    },
  };
}

export const orderResolverOnly: ResolverOnlyFields = {
  Order: {
    customer:
      'leads back to a customer, whose personal fields below the root need audit notes the compiler keeps only for root nodes',
    returns:
      'not projected yet: returns with their lines would be a `many` projection over order_returns',
  },
};

/** A customer's counted orders as a from-and-where clause naming `alias`, for the aggregates of SPEND_SQL. */
export const countedOrdersSql = (customerId: string, alias: string) =>
  `orders ${alias} where ${alias}.customer_id = ${customerId} and ${countedOrder()}`;

/** The spend aggregates over countedOrdersSql's rows (`o` is its alias), the same figures spendFiguresSql reads. */
export const SPEND_SQL = {
  orderCount: () => 'count(*)',
  grossMinor: (o: string) => `coalesce(sum(${o}.gross_minor), 0)`,
  netMinor: (o: string) => `coalesce(sum(${o}.net_minor), 0)`,
  refundedMinor: (o: string) => `coalesce(sum(${o}.refunded_minor), 0)`,
  firstOrderAt: (o: string) => `min(${o}.placed_at)`,
  lastOrderAt: (o: string) => `max(${o}.placed_at)`,
};

type SpendFiguresJson = [
  number,
  number,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
];

/**
 * One customer's spend figures as a JSON array, the same aggregate totalsByCustomerIds runs for many
 * (timestamps as epoch milliseconds, truncated as pg truncates them into a Date).
 */
export const spendFiguresSql = (
  customerId: string,
  shopTime: ShopTime,
) => `(select json_build_array(count(*), count(distinct ${shopTime.daySql('placed_at')}),
    sum(gross_minor)::text, sum(net_minor)::text, sum(refunded_minor)::text,
    floor(extract(epoch from min(placed_at)) * 1000), floor(extract(epoch from max(placed_at)) * 1000))
  from orders where customer_id = ${customerId} and ${countedOrder()})`;

export function readSpendFigures(json: SpendFiguresJson): Omit<OrderTotals, 'customerId'> {
  const [orderCount, purchaseDays, gross, net, refunded, first, last] = json;
  return {
    orderCount,
    purchaseDays,
    grossMinor: BigInt(gross ?? 0),
    netMinor: BigInt(net ?? 0),
    refundedMinor: BigInt(refunded ?? 0),
    firstOrderAt: first === null ? null : new Date(first),
    lastOrderAt: last === null ? null : new Date(last),
  };
}
