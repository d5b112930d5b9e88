import { DataSource } from 'typeorm';
import { ShopTime } from '../../common/shop-time';
import { countedOrder, countedSpend, lateRefunds } from './order-spend.service';

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

/** The purchase-history reads of the metrics module (models, analytics, backtests): counted orders only. */
export class PurchaseHistoryQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shopTime: ShopTime,
  ) {}

  /**
   * The purchase history in the literature's terms (Fader, Hardie & Lee 2005), as of the end of a day:
   * purchases on one shop day (SHOP_TIME_ZONE) are one transaction, x = purchase days after the first, recency and
   * age in days from the first purchase day, and the mean value of the repeat days net of the refunds made by then.
   * Cancelled orders do not count; customers without purchases by then are left out.
   */
  async purchaseSummaries(
    asOfDay: string,
    customerIds: readonly string[] | null,
  ): Promise<PurchaseHistory[]> {
    const rows: {
      customer_id: string;
      x: number;
      recency_days: number;
      age_days: number;
      repeat_value: string;
      total_value: string;
    }[] = await this.dataSource.query(
      `with days as (
         select o.customer_id, ${this.shopTime.daySql('o.placed_at')} as day,
           sum(${countedSpend('o')} + coalesce(late.refund, 0)) as value
         from orders o
         left join ${lateRefunds(`${this.shopTime.endOfDaySql('$1')} - interval '1 millisecond'`, '$2::uuid[]')} late on late.order_id = o.id
         where ${countedOrder('o')} and o.placed_at < ${this.shopTime.endOfDaySql('$1')}
           and ($2::uuid[] is null or o.customer_id = any($2::uuid[]))
         group by o.customer_id, day)
       select customer_id, (count(*) - 1)::int as x, (max(day) - min(day))::int as recency_days,
         ($1::date - min(day))::int as age_days, (sum(value) - (array_agg(value order by day))[1])::text as repeat_value,
         sum(value)::text as total_value
       from days group by customer_id`,
      [asOfDay, customerIds],
    );
    return rows.map((r) => ({
      customerId: r.customer_id,
      x: r.x,
      recencyDays: r.recency_days,
      ageDays: r.age_days,
      repeatValueMinor: BigInt(r.repeat_value),
      totalValueMinor: BigInt(r.total_value),
    }));
  }

  /**
   * The base's time to a second purchase as of the end of a day: for each customer with at least two purchase days
   * (shop days, as purchaseSummaries counts them), the days from the first to the second, ascending.
   */
  async secondPurchaseGaps(asOfDay: string): Promise<number[]> {
    const rows: { gap: number; customers: number }[] = await this.dataSource.query(
      `with days as (
         select customer_id, ${this.shopTime.daySql('placed_at')} as day
         from orders
         where ${countedOrder()} and placed_at < ${this.shopTime.endOfDaySql('$1')}
         group by customer_id, day),
       ranked as (
         select customer_id, day, row_number() over (partition by customer_id order by day) as n from days)
       select (second.day - first.day)::int as gap, count(*)::int as customers
       from ranked first join ranked second on second.customer_id = first.customer_id and second.n = 2
       where first.n = 1
       group by 1 order by 1`,
      [asOfDay],
    );
    return rows.flatMap((r) => Array<number>(r.customers).fill(r.gap));
  }

  /** Net spend in the half year before asOf and the half year before that, per customer (minor units). */
  async spendByHalfYear(
    customerIds: readonly string[],
    asOf: Date,
  ): Promise<{ last: number; previous: number }[]> {
    const rows: { customer_id: string; last: string; previous: string }[] =
      await this.dataSource.query(
        `select customer_id,
         coalesce(sum(${countedSpend('o')} + coalesce(late.refund, 0)) filter (where placed_at >= $2::timestamptz - interval '6 months'), 0)::text as last,
         coalesce(sum(${countedSpend('o')} + coalesce(late.refund, 0)) filter (where placed_at < $2::timestamptz - interval '6 months'), 0)::text as previous
       from orders o left join ${lateRefunds('$2', '$1::uuid[]')} late on late.order_id = o.id
       where o.customer_id = any($1::uuid[]) and ${countedOrder('o')}
         and placed_at >= $2::timestamptz - interval '12 months' and placed_at <= $2
       group by customer_id`,
        [customerIds, asOf],
      );
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    return customerIds.map((id) => ({
      last: Number(byId.get(id)?.last ?? 0),
      previous: Number(byId.get(id)?.previous ?? 0),
    }));
  }

  /**
   * Retention counts: a customer counts at a moment when they bought within the active window before it.
   * Returns customers at the start, at the end, and those whose first purchase fell in the period.
   */
  async retentionCounts(
    start: Date,
    end: Date,
    activeDays: number,
  ): Promise<{ atStart: number; atEnd: number; acquired: number }> {
    const [row] = await this.dataSource.query(
      `with firsts as (select customer_id, min(placed_at) as first_at from orders where ${countedOrder()} group by customer_id)
       select
         (select count(distinct customer_id) from orders where ${countedOrder()} and placed_at < $1 and placed_at >= $1::timestamptz - make_interval(days => $3))::int as at_start,
         (select count(distinct customer_id) from orders where ${countedOrder()} and placed_at < $2 and placed_at >= $2::timestamptz - make_interval(days => $3))::int as at_end,
         (select count(*) from firsts where first_at >= $1 and first_at < $2)::int as acquired`,
      [start, end, activeDays],
    );
    return { atStart: row.at_start, atEnd: row.at_end, acquired: row.acquired };
  }

  /**
   * Cohorts by month of first purchase: size, and customers buying again in each later month; as of a moment (only
   * orders placed by then count).
   */
  async monthlyCohorts(
    from: Date,
    to: Date,
    asOf: Date,
  ): Promise<{ cohort: string; size: number; active: number[] }[]> {
    const rows: { cohort: string; offset: number; customers: number }[] =
      await this.dataSource.query(
        `with firsts as (
         select customer_id, date_trunc('month', ${this.shopTime.localSql('min(placed_at)')}) as cohort from orders
         where ${countedOrder()} and placed_at <= $3 group by customer_id),
       activity as (
         select distinct o.customer_id, f.cohort,
           ((extract(year from ${this.shopTime.localSql('o.placed_at')}) - extract(year from f.cohort)) * 12
             + extract(month from ${this.shopTime.localSql('o.placed_at')}) - extract(month from f.cohort))::int as month_offset
         from orders o join firsts f using (customer_id)
         where ${countedOrder('o')} and o.placed_at <= $3 and f.cohort >= date_trunc('month', ${this.shopTime.localSql('$1::timestamptz')})
           and f.cohort < ${this.shopTime.localSql('$2::timestamptz')})
       select to_char(cohort, 'YYYY-MM') as cohort, month_offset as offset, count(*)::int as customers
       from activity group by 1, 2 order by 1, 2`,
        [from, to, asOf],
      );
    const byCohort = new Map<string, number[]>();
    for (const r of rows) {
      const counts = byCohort.get(r.cohort) ?? [];
      counts[r.offset] = r.customers;
      byCohort.set(r.cohort, counts);
    }
    return [...byCohort].map(([cohort, counts]) => ({
      cohort,
      size: counts[0] ?? 0,
      active: Array.from(counts, (c) => c ?? 0),
    }));
  }

  /** Purchase days per holdout week in (from, to], of customers who first bought by `from`. */
  async weeklyPurchaseDays(fromDay: string, toDay: string): Promise<number[]> {
    const rows: { week: number; days: number }[] = await this.dataSource.query(
      `with known as (select customer_id from orders where ${countedOrder()} group by customer_id
                      having min(placed_at) < ${this.shopTime.endOfDaySql('$1')}),
       days as (select distinct o.customer_id, ${this.shopTime.daySql('o.placed_at')} as day from orders o join known using (customer_id)
                where ${countedOrder('o')} and o.placed_at >= ${this.shopTime.endOfDaySql('$1')}
                  and o.placed_at < ${this.shopTime.endOfDaySql('$2')})
       select ((day - $1::date - 1) / 7)::int as week, count(*)::int as days from days group by 1 order by 1`,
      [fromDay, toDay],
    );
    const weeks: number[] = [];
    for (const r of rows) weeks[r.week] = r.days;
    return Array.from(weeks, (d) => d ?? 0);
  }

  /** Distinct purchase days (shop days) and net spend (minor units) per customer in (from, to], for backtests. */
  async purchasesBetween(
    fromDay: string,
    toDay: string,
  ): Promise<Map<string, { days: number; spendMinor: number }>> {
    const rows: { customer_id: string; days: number; spend: string }[] =
      await this.dataSource.query(
        `select customer_id, count(distinct ${this.shopTime.daySql('placed_at')})::int as days,
         sum(${countedSpend()})::text as spend from orders
       where ${countedOrder()} and placed_at >= ${this.shopTime.endOfDaySql('$1')} and placed_at < ${this.shopTime.endOfDaySql('$2')}
       group by customer_id`,
        [fromDay, toDay],
      );
    return new Map(rows.map((r) => [r.customer_id, { days: r.days, spendMinor: Number(r.spend) }]));
  }
}
