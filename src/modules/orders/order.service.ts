import { DataSource, EntityManager } from 'typeorm';
import { alignToKeys, groupToKeys } from '../../common/loaders';
import { fetchNestedPages, mapPage, NestedPageSpec } from '../../common/nested-pages';
import { ConnectionArgs, Page } from '../../common/pagination';
import { toNumber } from '../../common/sql';
import { isUuid } from '../../common/relay';
import type { CustomerOrderStats } from '../customers';
import { CustomerOrdersArgs } from './order.inputs';
import {
  Order, OrderLine, OrderLineRow, OrderReturn, OrderReturnRow, OrderRow, Product, ProductRow, toOrder, toOrderLine,
  toOrderReturn, toProduct,
} from './order.types';

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

export const COUNTED = `status <> 'CANCELLED'`;

export interface ProductCycleRow {
  customerId: string; productId: string; sku: string; name: string; category: string; purchaseDays: number;
  lastDay: string; averagePaidMinor: number; gaps: number[];
}

export interface AssociationRow {
  antecedentId: string; consequentId: string; support: number; confidence: number; lift: number; customers: number;
}

/** One customer's purchase history in the terms of the purchase models (days; minor units). */
export interface PurchaseHistory {
  customerId: string;
  x: number;
  recencyDays: number;
  ageDays: number;
  /** Net value of the repeat purchase days together. */
  repeatValueMinor: bigint;
  /** Net value of all purchase days. */
  totalValueMinor: bigint;
}

/** A customer's orders page: newest first; shared by the loader and the compiled reads. */
export const CUSTOMER_ORDERS_PAGE: NestedPageSpec<CustomerOrdersArgs> = {
  table: 'orders',
  parentColumn: 'customer_id',
  keys: [{ sql: 't.placed_at', cast: 'timestamptz' }, { sql: 't.id', cast: 'uuid' }],
  descending: true,
  where: (a, params) => (a.statuses?.length ? [`t.status = any(${params.add(a.statuses, 'text[]')})`] : []),
};

export class OrderService {
  constructor(
    private readonly dataSource: DataSource,
    readonly shopCurrency: string,
  ) {}

  async findByIds(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<(Order | null)[]> {
    const rows: OrderRow[] = await manager.query('select * from orders where id = any($1::uuid[])', [ids.filter(isUuid)]);
    return alignToKeys(ids, rows.map(toOrder), (o) => o.databaseId);
  }

  async productIdBySku(sku: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query('select id from products where sku = $1', [sku]);
    return rows[0]?.id ?? null;
  }

  async productsByIds(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<(Product | null)[]> {
    const rows: ProductRow[] = await manager.query('select * from products where id = any($1::uuid[])', [ids.filter(isUuid)]);
    return alignToKeys(ids, rows.map(toProduct), (p) => p.databaseId);
  }

  async returnsByIds(ids: readonly string[]): Promise<(OrderReturn | null)[]> {
    const rows: OrderReturnRow[] = await this.dataSource.query('select * from order_returns where id = any($1::uuid[])', [ids.filter(isUuid)]);
    return alignToKeys(ids, rows.map((r) => toOrderReturn(r, this.shopCurrency)), (r) => r.databaseId);
  }

  /** Keyed by customer and order, so the lookup uses the index that leads with customer_id. */
  async linesByOrders(keys: readonly { customerId: string; orderId: string }[]): Promise<OrderLine[][]> {
    // Each line comes with its product: a page of orders shows both, and one statement is cheaper than two.
    const rows: (OrderLineRow & { product: ProductRow | null })[] = await this.dataSource.query(
      `select l.*, case when p.id is null then null else json_build_object('id', p.id, 'sku', p.sku, 'name', p.name, 'category', p.category,
         'unit_price_minor', p.unit_price_minor::text, 'currency', p.currency) end as product
       from order_lines l left join products p on p.id = l.product_id
       where l.customer_id = any($1::uuid[]) and l.order_id = any($2::uuid[]) order by l.order_id, l.line_no`,
      [[...new Set(keys.map((k) => k.customerId))], keys.map((k) => k.orderId)],
    );
    const withProducts = rows.map((r) => toOrderLine(r, this.shopCurrency, r.product ? toProduct(r.product) : null));
    const lines = groupToKeys(keys.map((k) => k.orderId), withProducts, (l) => l.orderId);
    return lines;
  }

  async returnsByOrderIds(orderIds: readonly string[]): Promise<OrderReturn[][]> {
    const rows: OrderReturnRow[] = await this.dataSource.query(
      'select * from order_returns where order_id = any($1::uuid[]) order by order_id, returned_at, id',
      [orderIds],
    );
    return groupToKeys(orderIds, rows.map((r) => toOrderReturn(r, this.shopCurrency)), (r) => r.orderId);
  }

  async pagesByCustomerIds(customerIds: readonly string[], args: CustomerOrdersArgs, countOf: (id: string) => Promise<number>): Promise<Page<Order>[]> {
    const pages = await fetchNestedPages<OrderRow, CustomerOrdersArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        ...CUSTOMER_ORDERS_PAGE,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.placed_at.toISOString(), row.id],
      },
      customerIds, args, countOf,
    );
    return pages.map((page) => mapPage(page, toOrder));
  }

  async returnPagesByCustomerIds(customerIds: readonly string[], args: ConnectionArgs, countOf: (id: string) => Promise<number>): Promise<Page<OrderReturn>[]> {
    const pages = await fetchNestedPages<OrderReturnRow, ConnectionArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        table: 'order_returns',
        parentColumn: 'customer_id',
        keys: [{ sql: 't.returned_at', cast: 'timestamptz' }, { sql: 't.id', cast: 'uuid' }],
        descending: true,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.returned_at.toISOString(), row.id],
      },
      customerIds, args, countOf,
    );
    return pages.map((page) => mapPage(page, (r) => toOrderReturn(r, this.shopCurrency)));
  }

  async countReturnsByCustomerIds(customerIds: readonly string[]): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      'select customer_id, count(*) from order_returns where customer_id = any($1::uuid[]) group by customer_id', [customerIds]);
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  async countByCustomerIds(customerIds: readonly string[], statuses: string[] | null): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      `select customer_id, count(*) from orders where customer_id = any($1::uuid[])
       and ($2::text[] is null or status = any($2::text[])) group by customer_id`,
      [customerIds, statuses],
    );
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  async totalsByCustomerIds(customerIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<OrderTotals[]> {
    const rows: Record<string, string | Date | null>[] = await manager.query(
      `select customer_id, count(*) as order_count, count(distinct (placed_at at time zone 'UTC')::date) as purchase_days,
         sum(gross_minor) as gross, sum(net_minor) as net, sum(refunded_minor) as refunded,
         min(placed_at) as first_order_at, max(placed_at) as last_order_at
       from orders where customer_id = any($1::uuid[]) and ${COUNTED} group by customer_id`,
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

  /** Net spend (after refunds) since a date, per customer; all customers with spend when ids is null. */
  async netSpendSince(customerIds: readonly string[] | null, since: Date, manager: EntityManager = this.dataSource.manager): Promise<Map<string, bigint>> {
    const rows: { customer_id: string; spend: string }[] = await manager.query(
      `select customer_id, sum(net_minor - refunded_minor) as spend from orders
       where ($1::uuid[] is null or customer_id = any($1::uuid[])) and placed_at >= $2 and ${COUNTED}
       group by customer_id`,
      [customerIds, since],
    );
    return new Map(rows.map((r) => [r.customer_id, BigInt(r.spend)]));
  }

  /**
   * The purchase history in the literature's terms (Fader, Hardie & Lee 2005), as of the end of a day:
   * purchases on one (UTC) day are one transaction, x = purchase days after the first, recency and age in
   * days from the first purchase day, and the mean value of the repeat days net of refunds. Cancelled
   * orders do not count; customers without purchases by then are left out.
   */
  async purchaseSummaries(asOfDay: string, customerIds: readonly string[] | null, manager: EntityManager = this.dataSource.manager): Promise<PurchaseHistory[]> {
    const rows: { customer_id: string; x: number; recency_days: number; age_days: number; repeat_value: string; total_value: string }[] = await manager.query(
      `with days as (
         select customer_id, (placed_at at time zone 'UTC')::date as day, sum(net_minor - refunded_minor) as value
         from orders
         where ${COUNTED} and placed_at < ($1::date + 1)::timestamp at time zone 'UTC'
           and ($2::uuid[] is null or customer_id = any($2::uuid[]))
         group by customer_id, day)
       select customer_id, (count(*) - 1)::int as x, (max(day) - min(day))::int as recency_days,
         ($1::date - min(day))::int as age_days, (sum(value) - (array_agg(value order by day))[1])::text as repeat_value,
         sum(value)::text as total_value
       from days group by customer_id`,
      [asOfDay, customerIds],
    );
    return rows.map((r) => ({
      customerId: r.customer_id, x: r.x, recencyDays: r.recency_days, ageDays: r.age_days,
      repeatValueMinor: BigInt(r.repeat_value), totalValueMinor: BigInt(r.total_value),
    }));
  }

  /** Net spend in the half year before asOf and the half year before that, per customer (minor units). */
  async spendByHalfYear(customerIds: readonly string[], asOf: Date): Promise<{ last: number; previous: number }[]> {
    const rows: { customer_id: string; last: string; previous: string }[] = await this.dataSource.query(
      `select customer_id,
         coalesce(sum(net_minor - refunded_minor) filter (where placed_at >= $2::timestamptz - interval '6 months'), 0)::text as last,
         coalesce(sum(net_minor - refunded_minor) filter (where placed_at < $2::timestamptz - interval '6 months'), 0)::text as previous
       from orders where customer_id = any($1::uuid[]) and ${COUNTED}
         and placed_at >= $2::timestamptz - interval '12 months' and placed_at <= $2
       group by customer_id`,
      [customerIds, asOf],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    return customerIds.map((id) => ({ last: Number(byId.get(id)?.last ?? 0), previous: Number(byId.get(id)?.previous ?? 0) }));
  }

  /**
   * Retention counts: a customer counts at a moment when they bought within the active window before it.
   * Returns customers at the start, at the end, and those whose first purchase fell in the period.
   */
  async retentionCounts(start: Date, end: Date, activeDays: number): Promise<{ atStart: number; atEnd: number; acquired: number }> {
    const [row] = await this.dataSource.query(
      `with firsts as (select customer_id, min(placed_at) as first_at from orders where ${COUNTED} group by customer_id)
       select
         (select count(distinct customer_id) from orders where ${COUNTED} and placed_at < $1 and placed_at >= $1::timestamptz - make_interval(days => $3))::int as at_start,
         (select count(distinct customer_id) from orders where ${COUNTED} and placed_at < $2 and placed_at >= $2::timestamptz - make_interval(days => $3))::int as at_end,
         (select count(*) from firsts where first_at >= $1 and first_at < $2)::int as acquired`,
      [start, end, activeDays],
    );
    return { atStart: row.at_start, atEnd: row.at_end, acquired: row.acquired };
  }

  /** Cohorts by month of first purchase: size, and customers buying again in each later month. */
  async monthlyCohorts(from: Date, to: Date): Promise<{ cohort: string; size: number; active: number[] }[]> {
    const rows: { cohort: string; offset: number; customers: number }[] = await this.dataSource.query(
      `with firsts as (
         select customer_id, date_trunc('month', min(placed_at) at time zone 'UTC') as cohort from orders where ${COUNTED} group by customer_id),
       activity as (
         select distinct o.customer_id, f.cohort,
           ((extract(year from o.placed_at at time zone 'UTC') - extract(year from f.cohort)) * 12
             + extract(month from o.placed_at at time zone 'UTC') - extract(month from f.cohort))::int as month_offset
         from orders o join firsts f using (customer_id)
         where o.status <> 'CANCELLED' and f.cohort >= date_trunc('month', $1::timestamptz at time zone 'UTC')
           and f.cohort < $2::timestamptz at time zone 'UTC')
       select to_char(cohort, 'YYYY-MM') as cohort, month_offset as offset, count(*)::int as customers
       from activity group by 1, 2 order by 1, 2`,
      [from, to],
    );
    const byCohort = new Map<string, number[]>();
    for (const r of rows) {
      const counts = byCohort.get(r.cohort) ?? [];
      counts[r.offset] = r.customers;
      byCohort.set(r.cohort, counts);
    }
    return [...byCohort].map(([cohort, counts]) => ({ cohort, size: counts[0] ?? 0, active: Array.from(counts, (c) => c ?? 0) }));
  }

  /** Purchase days per holdout week in (from, to], of customers who first bought by `from`. */
  async weeklyPurchaseDays(fromDay: string, toDay: string): Promise<number[]> {
    const rows: { week: number; days: number }[] = await this.dataSource.query(
      `with known as (select customer_id from orders where ${COUNTED} group by customer_id
                      having min(placed_at) < ($1::date + 1)::timestamp at time zone 'UTC'),
       days as (select distinct o.customer_id, (o.placed_at at time zone 'UTC')::date as day from orders o join known using (customer_id)
                where o.status <> 'CANCELLED' and o.placed_at >= ($1::date + 1)::timestamp at time zone 'UTC'
                  and o.placed_at < ($2::date + 1)::timestamp at time zone 'UTC')
       select ((day - $1::date - 1) / 7)::int as week, count(*)::int as days from days group by 1 order by 1`,
      [fromDay, toDay],
    );
    const weeks: number[] = [];
    for (const r of rows) weeks[r.week] = r.days;
    return Array.from(weeks, (d) => d ?? 0);
  }

  /** Distinct purchase days per customer in (from, to], for backtests. */
  async purchaseDaysBetween(fromDay: string, toDay: string): Promise<Map<string, number>> {
    const rows: { customer_id: string; days: number }[] = await this.dataSource.query(
      `select customer_id, count(distinct (placed_at at time zone 'UTC')::date)::int as days from orders
       where ${COUNTED} and placed_at >= ($1::date + 1)::timestamp at time zone 'UTC' and placed_at < ($2::date + 1)::timestamp at time zone 'UTC'
       group by customer_id`,
      [fromDay, toDay],
    );
    return new Map(rows.map((r) => [r.customer_id, r.days]));
  }

  /** An order with what earning rules need of its lines: the paid share, the product's sku and category. */
  async orderForEarning(manager: EntityManager, orderId: string) {
    const [order]: OrderRow[] = await manager.query('select * from orders where id = $1', [orderId]);
    if (!order) return null;
    const lines: { line_total_minor: string; sku: string | null; category: string | null }[] = await manager.query(
      `select l.line_total_minor, p.sku, p.category from order_lines l left join products p on p.id = l.product_id
       where l.customer_id = $1 and l.order_id = $2 order by l.line_no`, [order.customer_id, orderId]);
    return {
      id: order.id, customerId: order.customer_id, externalRef: order.external_ref, status: order.status, placedAt: order.placed_at,
      grossMinor: BigInt(order.gross_minor), netMinor: BigInt(order.net_minor), refundedMinor: BigInt(order.refunded_minor),
      lines: lines.map((l) => ({ totalMinor: BigInt(l.line_total_minor), sku: l.sku, category: l.category })),
    };
  }

  /** Order ids in id order after a given one, for replays over the whole history. */
  async orderIdsAfter(afterId: string | null, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      'select id from orders where ($1::uuid is null or id > $1) order by id limit $2', [afterId, limit]);
    return rows.map((r) => r.id);
  }

  /**
   * Purchase cycles per customer and product: products bought on at least two distinct days, with the
   * days between those purchases (for the typical interval and its regularity) and the average paid.
   */
  async productCycles(customerIds: readonly string[] | null, manager: EntityManager = this.dataSource.manager): Promise<ProductCycleRow[]> {
    return manager.query(
      `with days as (
         select l.customer_id, l.product_id, (o.placed_at at time zone 'UTC')::date as day, sum(l.line_total_minor) as paid
         from order_lines l join orders o on o.id = l.order_id and o.customer_id = l.customer_id
         where o.status <> 'CANCELLED' and l.product_id is not null and ($1::uuid[] is null or l.customer_id = any($1::uuid[]))
         group by 1, 2, 3),
       gaps as (
         select customer_id, product_id, day, paid, day - lag(day) over (partition by customer_id, product_id order by day) as gap from days)
       select g.customer_id as "customerId", g.product_id as "productId", p.sku, p.name, p.category,
         count(*)::int as "purchaseDays", max(day)::text as "lastDay", (avg(paid))::float8 as "averagePaidMinor",
         array_agg(gap order by day) filter (where gap is not null) as gaps
       from gaps g join products p on p.id = g.product_id
       group by 1, 2, 3, 4, 5 having count(*) >= 2`,
      [customerIds],
    );
  }

  /** Products each customer has bought (for recommendations that leave them out). */
  async productsBought(customerIds: readonly string[]): Promise<{ customerId: string; productId: string }[]> {
    return this.dataSource.query(
      `select distinct customer_id as "customerId", product_id as "productId" from order_lines
       where customer_id = any($1::uuid[]) and product_id is not null`, [customerIds]);
  }

  /**
   * Association rules between products bought by the same customer within a window: A → B when B was
   * first bought within windowDays after A. Support and confidence over customers; lift against B's base rate.
   */
  async mineAssociations(windowDays: number, minSupport: number): Promise<AssociationRow[]> {
    return this.dataSource.query(
      `with firsts as (
         select l.customer_id, l.product_id, min(o.placed_at) as first_at from order_lines l
         join orders o on o.id = l.order_id and o.customer_id = l.customer_id
         where o.status <> 'CANCELLED' and l.product_id is not null group by 1, 2),
       buyers as (select count(distinct customer_id)::float8 as n from firsts),
       product_buyers as (select product_id, count(*)::float8 as n from firsts group by 1),
       pairs as (
         select a.product_id as antecedent, b.product_id as consequent, count(*)::float8 as n
         from firsts a join firsts b on a.customer_id = b.customer_id and a.product_id <> b.product_id
           and b.first_at > a.first_at and b.first_at <= a.first_at + make_interval(days => $1)
         group by 1, 2)
       select p.antecedent as "antecedentId", p.consequent as "consequentId", p.n / bu.n as support,
         p.n / pa.n as confidence, (p.n / pa.n) / (pc.n / bu.n) as lift, p.n::int as customers
       from pairs p cross join buyers bu join product_buyers pa on pa.product_id = p.antecedent
         join product_buyers pc on pc.product_id = p.consequent
       where p.n / bu.n >= $2`,
      [windowDays, minSupport],
    );
  }

  async exportRows(customerId: string) {
    return {
      orders: await this.dataSource.query('select * from orders where customer_id = $1 order by placed_at', [customerId]),
      orderLines: await this.dataSource.query('select * from order_lines where customer_id = $1 order by order_id, line_no', [customerId]),
      returns: await this.dataSource.query('select * from order_returns where customer_id = $1 order by returned_at', [customerId]),
    };
  }

  /** The roll-up the customers module keeps for list filters and ordering. */
  async statsForCustomers(manager: EntityManager, customerIds: string[]): Promise<CustomerOrderStats[]> {
    const totals = await this.totalsByCustomerIds(customerIds, manager);
    return totals.map((t) => ({
      customerId: t.customerId,
      orderCount: t.orderCount,
      netSpentMinor: (t.netMinor - t.refundedMinor).toString(),
      firstOrderAt: t.firstOrderAt,
      lastOrderAt: t.lastOrderAt,
    }));
  }
}
