import { DataSource, EntityManager } from 'typeorm';
import { toNumber } from '../../common/sql';
import { ShopTime } from '../../common/shop-time';
import type { CustomerOrderStats } from '../customers';
import { OrderStatus } from './order.types';

/**
 * The one definition of a counted order: every status but CANCELLED counts in spend, in the purchase models and
 * in the roll-ups (returned orders count, less their refunds). `alias` names the orders table when it has one.
 */
export const countedOrder = (alias?: string) =>
  `${alias ? `${alias}.` : ''}status <> '${OrderStatus.CANCELLED}'`;

/** What a counted order adds to spend: its net amount less what was refunded (minor units). */
export const countedSpend = (alias?: string) => {
  const p = alias ? `${alias}.` : '';
  return `${p}net_minor - ${p}refunded_minor`;
};

/**
 * Refunds of returns recorded after the as-of moment `end` (a SQL expression), per order, as a subquery to left join
 * on order_id: added back to an order's counted spend, a figure as of a moment has only the refunds made by then taken
 * off. For an as-of of now it is empty. A refund without a return row counts from the order on. `customerIds`, a SQL
 * uuid[] expression (null: everyone), keeps it to the customers of the statement.
 */
export const lateRefunds = (end: string, customerIds?: string) =>
  `(select order_id, sum(refund_minor) as refund from order_returns where returned_at > ${end}${
    customerIds ? ` and (${customerIds} is null or customer_id = any(${customerIds}))` : ''
  } group by order_id)`;

/** Spend figures of one customer, in minor units of the shop currency. */
export interface OrderTotals {
  customerId: string;
  orderCount: number;
  purchaseDays: number;
  grossMinor: bigint;
  netMinor: bigint;
  refundedMinor: bigint;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

/** Counted spend per customer: the figures the summary, the metrics, loyalty tiers and the customers roll-up read. */
export class OrderSpendService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shopTime: ShopTime,
  ) {}

  /** For reads outside any write (loaders, metrics, exports). */
  async totalsByCustomerIds(customerIds: readonly string[]): Promise<OrderTotals[]> {
    return this.totals(this.dataSource.manager, customerIds);
  }

  /**
   * What each customer had paid by `asOf`, net of the refunds made by then (minor units): counted orders placed by
   * then, less their refunds except those of returns recorded after it (a refund without a return row counts from the
   * order on). Historic CLV as of a day.
   */
  async netSpentAsOf(customerIds: readonly string[], asOf: Date): Promise<bigint[]> {
    const rows: { customer_id: string; spent: string }[] = await this.dataSource.query(
      `select o.customer_id, (sum(${countedSpend('o')}) + coalesce(sum(late.refund), 0))::text as spent
       from orders o left join ${lateRefunds('$2', '$1::uuid[]')} late on late.order_id = o.id
       where o.customer_id = any($1::uuid[]) and ${countedOrder('o')} and o.placed_at <= $2
       group by o.customer_id`,
      [customerIds, asOf],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, BigInt(r.spent)]));
    return customerIds.map((id) => byId.get(id) ?? 0n);
  }

  /** Net spend (after refunds) since a date, per customer; all customers with spend when ids is null. */
  async netSpendSince(
    customerIds: readonly string[] | null,
    since: Date,
    manager: EntityManager,
  ): Promise<Map<string, bigint>> {
    const rows: { customer_id: string; spend: string }[] = await manager.query(
      `select customer_id, sum(${countedSpend()}) as spend from orders
       where ($1::uuid[] is null or customer_id = any($1::uuid[])) and placed_at >= $2 and ${countedOrder()}
       group by customer_id`,
      [customerIds, since],
    );
    return new Map(rows.map((r) => [r.customer_id, BigInt(r.spend)]));
  }

  /** The roll-up the customers module keeps for list filters and ordering, in the caller's transaction. */
  async statsForCustomers(
    manager: EntityManager,
    customerIds: string[],
  ): Promise<CustomerOrderStats[]> {
    const totals = await this.totals(manager, customerIds);
    return totals.map((t) => ({
      customerId: t.customerId,
      orderCount: t.orderCount,
      netSpentMinor: (t.netMinor - t.refundedMinor).toString(),
      firstOrderAt: t.firstOrderAt,
      lastOrderAt: t.lastOrderAt,
    }));
  }

  private async totals(
    manager: EntityManager,
    customerIds: readonly string[],
  ): Promise<OrderTotals[]> {
    const rows: Record<string, string | Date | null>[] = await manager.query(
      `select customer_id, count(*) as order_count, count(distinct ${this.shopTime.daySql('placed_at')}) as purchase_days,
         sum(gross_minor) as gross, sum(net_minor) as net, sum(refunded_minor) as refunded,
         min(placed_at) as first_order_at, max(placed_at) as last_order_at
       from orders where customer_id = any($1::uuid[]) and ${countedOrder()} group by customer_id`,
      [customerIds],
    );
    const byId = new Map(rows.map((r) => [r.customer_id as string, r]));
    return customerIds.map((customerId) => {
      const r = byId.get(customerId);
      return {
        customerId,
        orderCount: toNumber(r?.order_count),
        purchaseDays: toNumber(r?.purchase_days),
        grossMinor: BigInt((r?.gross as string) ?? 0),
        netMinor: BigInt((r?.net as string) ?? 0),
        refundedMinor: BigInt((r?.refunded as string) ?? 0),
        firstOrderAt: (r?.first_order_at as Date) ?? null,
        lastOrderAt: (r?.last_order_at as Date) ?? null,
      };
    });
  }
}
