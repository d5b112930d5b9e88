import { formatMinorUnits } from '../../common/money';
import { publicEvent } from '../../common/public-events';
import { toGlobalId } from '../../common/relay';
import type { OrderLineRow, OrderRow } from './order.types';

/** An order as its events carry it: the facts its subscribers need, so none of them reads the order again. */
export interface OrderFacts {
  id: string;
  customerId: string;
  source: string;
  externalRef: string;
  status: string;
  channel: string;
  currency: string;
  placedAt: Date;
  grossMinor: bigint;
  discountMinor: bigint;
  netMinor: bigint;
  refundedMinor: bigint;
  itemCount: number;
  lines: OrderLineFacts[];
}

export interface OrderLineFacts {
  lineNo: number;
  sku: string | null;
  category: string | null;
  quantity: number;
  unitMinor: bigint;
  totalMinor: bigint;
  returnedQuantity: number;
  refundedMinor: bigint;
}

/** What one return refunded, line by line (the order in `order` is as it stands after the return). */
export interface ReturnedLineFacts {
  lineNo: number;
  quantity: number;
  refundMinor: bigint;
}

declare module '../../common/domain-events' {
  interface DomainEventMap {
    /** An order was recorded (not a repeat of one already recorded), with its lines and totals. */
    'order.recorded': { order: OrderFacts };
    /** Lines of an order were returned; `order` shows its refunded total and status after the return. */
    'order.returned': {
      order: OrderFacts;
      refundMinor: bigint;
      reason: string | null;
      returnedAt: Date;
      lines: ReturnedLineFacts[];
    };
    /** A slice of an import wrote orders of these customers (in the slice's transaction). */
    'orders.imported': { customerIds: string[]; orderIds: string[]; orders: OrderFacts[] };
    /** An import finished: every slice committed; the customers whose orders it wrote. */
    'orders.import_finished': { customerIds: string[] };
  }
}

/** The facts of an order from its row and its lines' rows, with each line's product sku and category. */
export function orderFacts(
  order: OrderRow,
  lines: (Pick<
    OrderLineRow,
    | 'line_no'
    | 'quantity'
    | 'unit_price_minor'
    | 'line_total_minor'
    | 'returned_quantity'
    | 'refunded_minor'
  > & { sku: string | null; category: string | null })[],
): OrderFacts {
  return {
    id: order.id,
    customerId: order.customer_id,
    source: order.source,
    externalRef: order.external_ref,
    status: order.status,
    channel: order.channel,
    currency: order.currency,
    placedAt: order.placed_at,
    grossMinor: BigInt(order.gross_minor),
    discountMinor: BigInt(order.discount_minor),
    netMinor: BigInt(order.net_minor),
    refundedMinor: BigInt(order.refunded_minor),
    itemCount: order.item_count,
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      sku: l.sku,
      category: l.category,
      quantity: l.quantity,
      unitMinor: BigInt(l.unit_price_minor),
      totalMinor: BigInt(l.line_total_minor),
      returnedQuantity: l.returned_quantity,
      refundedMinor: BigInt(l.refunded_minor),
    })),
  };
}

const money = (minor: bigint, currency: string) => ({
  amount: formatMinorUnits(minor, currency),
  currency,
});

/** An order as public events show it: global ids, amounts in major units (the GraphQL Money shape). */
export function orderPayload(order: OrderFacts) {
  return {
    id: toGlobalId('Order', order.id),
    databaseId: order.id,
    customerId: toGlobalId('Customer', order.customerId),
    source: order.source,
    externalRef: order.externalRef,
    status: order.status,
    channel: order.channel,
    placedAt: order.placedAt,
    gross: money(order.grossMinor, order.currency),
    discount: money(order.discountMinor, order.currency),
    net: money(order.netMinor, order.currency),
    refunded: money(order.refundedMinor, order.currency),
    itemCount: order.itemCount,
    lines: order.lines.map((l) => ({
      lineNo: l.lineNo,
      sku: l.sku,
      category: l.category,
      quantity: l.quantity,
      unitPrice: money(l.unitMinor, order.currency),
      total: money(l.totalMinor, order.currency),
      returnedQuantity: l.returnedQuantity,
      refunded: money(l.refundedMinor, order.currency),
    })),
  };
}

const RECORDED = {
  type: 'order.recorded',
  enumName: 'ORDER_RECORDED',
  description:
    'An order was recorded, with its lines and totals (data.order), through the API or an import (data.imported: true).',
  scope: 'orders:read',
  personal: [],
};

export const ORDER_PUBLIC_EVENTS = [
  publicEvent({
    ...RECORDED,
    from: 'order.recorded',
    toOutbox: ({ order }) => [
      { customerId: order.customerId, data: { order: orderPayload(order) } },
    ],
  }),
  // An import's slice: one order.recorded per order it created, in the slice's transaction.
  publicEvent({
    ...RECORDED,
    from: 'orders.imported',
    toOutbox: ({ orders }) =>
      orders.map((order) => ({
        customerId: order.customerId,
        data: { order: orderPayload(order), imported: true },
      })),
  }),
  publicEvent({
    type: 'order.returned',
    enumName: 'ORDER_RETURNED',
    description:
      'Lines of an order were returned: data.refund, data.lines (lineNo, quantity, refund), data.order after the return.',
    from: 'order.returned',
    scope: 'orders:read',
    personal: ['reason'],
    toOutbox: ({ order, refundMinor, reason, returnedAt, lines }) => [
      {
        customerId: order.customerId,
        data: {
          order: orderPayload(order),
          refund: money(refundMinor, order.currency),
          reason,
          returnedAt,
          lines: lines.map((l) => ({
            lineNo: l.lineNo,
            quantity: l.quantity,
            refund: money(l.refundMinor, order.currency),
          })),
        },
      },
    ],
  }),
];
