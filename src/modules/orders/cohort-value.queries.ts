import { DataSource } from 'typeorm';
import { ShopTime } from '../../common/shop-time';
import { countedOrder, countedSpend, lateRefunds } from './order-spend.service';

/** One cohort's average cumulative counted spend per customer, by month since acquisition (minor units). */
export interface CohortSpendRow {
  /** Month of first purchase, YYYY-MM. */
  cohort: string;
  customers: number;
  /** Index = months since acquisition (0 = the month of the first purchase). */
  averageCumulativeMinor: bigint[];
}

/**
 * The cohorts from the month of $1 to the month of $2 (both days): customers by the shop month (SHOP_TIME_ZONE) of
 * their first counted order placed by `end` (the SQL parameter of the as-of moment).
 */
const cohortMembersSql = (shopTime: ShopTime, end: string) => `firsts as (
         select customer_id, date_trunc('month', ${shopTime.localSql('min(placed_at)')}) as cohort
         from orders where ${countedOrder()} and placed_at <= ${end} group by customer_id),
       members as (
         select customer_id, cohort from firsts
         where cohort >= date_trunc('month', $1::date::timestamp) and cohort <= date_trunc('month', $2::date::timestamp))`;

/** Customers of one cohort who share a purchase history, as the purchase models see it (days). */
export interface CohortPurchaseGroup {
  cohort: string;
  x: number;
  recencyDays: number;
  ageDays: number;
  customers: number;
  /** Σ over these customers of their mean repeat purchase day value, major units. */
  sumOfMeanRepeatValues: number;
  /** What these customers spent by the as-of moment, net of refunds (minor units). */
  totalValueMinor: bigint;
}

/** The acquisition-cohort reads of the metrics module (cohortValue): counted orders only, net of refunds. */
export class CohortValueQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shopTime: ShopTime,
  ) {}

  /**
   * One statement: per cohort, its size and the average over its customers of their cumulative counted spend
   * (countedSpend: net of what was refunded, on the month the order was placed) at the end of each month since
   * acquisition, 0 to months − 1, for the months that have begun by asOf. Averages are rounded to the minor unit.
   */
  async cumulativeSpendByCohort(
    fromDay: string,
    toDay: string,
    months: number,
    asOf: Date,
  ): Promise<CohortSpendRow[]> {
    const rows: { cohort: string; customers: number; month_offset: number; average: string }[] =
      await this.dataSource.query(
        `with ${cohortMembersSql(this.shopTime, '$4::timestamptz')},
       sizes as (select cohort, count(*)::int as customers from members group by cohort),
       spend as (
         select m.cohort,
           ((extract(year from ${this.shopTime.localSql('o.placed_at')}) - extract(year from m.cohort)) * 12
             + extract(month from ${this.shopTime.localSql('o.placed_at')}) - extract(month from m.cohort))::int as month_offset,
           sum(${countedSpend('o')} + coalesce(late.refund, 0)) as spend
         from orders o join members m using (customer_id)
         left join ${lateRefunds('$4')} late on late.order_id = o.id
         where ${countedOrder('o')} and o.placed_at <= $4
         group by 1, 2)
       select to_char(s.cohort, 'YYYY-MM') as cohort, s.customers, g.m as month_offset,
         round(coalesce(sum(sp.spend) over (partition by s.cohort order by g.m), 0)::numeric / s.customers)::bigint::text as average
       from sizes s cross join generate_series(0, $3::int - 1) as g(m)
       left join spend sp on sp.cohort = s.cohort and sp.month_offset = g.m
       where s.cohort + make_interval(months => g.m) <= ${this.shopTime.localSql('$4::timestamptz')}
       order by 1, 3`,
        [fromDay, toDay, months, asOf],
      );
    const byCohort = new Map<string, CohortSpendRow>();
    for (const r of rows) {
      const row = byCohort.get(r.cohort) ?? {
        cohort: r.cohort,
        customers: r.customers,
        averageCumulativeMinor: [],
      };
      row.averageCumulativeMinor[r.month_offset] = BigInt(r.average);
      byCohort.set(r.cohort, row);
    }
    return [...byCohort.values()];
  }

  /**
   * The purchase histories of the same cohorts as of the end of a day, grouped by what the purchase models see: per
   * cohort and (x, recency, age) in days (purchaseSummaries' conventions), how many customers share it and the sum
   * of their mean repeat-day values (major units; 0 for x = 0). One statement; a cohort's forecast is linear in them.
   */
  async purchaseGroups(
    fromDay: string,
    toDay: string,
    asOfDay: string,
    asOf: Date,
  ): Promise<CohortPurchaseGroup[]> {
    const rows: {
      cohort: string;
      x: number;
      recency_days: number;
      age_days: number;
      customers: number;
      mean_values: string;
      total_value: string;
    }[] = await this.dataSource.query(
      `with ${cohortMembersSql(this.shopTime, '$4::timestamptz')},
       days as (
         select o.customer_id, ${this.shopTime.daySql('o.placed_at')} as day,
           sum(${countedSpend('o')} + coalesce(late.refund, 0)) as value
         from orders o join members m using (customer_id)
         left join ${lateRefunds('$4')} late on late.order_id = o.id
         where ${countedOrder('o')} and o.placed_at <= $4
         group by 1, 2),
       histories as (
         select customer_id, (count(*) - 1)::int as x, (max(day) - min(day))::int as recency_days,
           ($3::date - min(day))::int as age_days, sum(value) - (array_agg(value order by day))[1] as repeat_value,
           sum(value) as total_value
         from days group by customer_id)
       select to_char(m.cohort, 'YYYY-MM') as cohort, h.x, h.recency_days, h.age_days, count(*)::int as customers,
         coalesce(sum(h.repeat_value::numeric / nullif(h.x, 0)), 0)::text as mean_values,
         sum(h.total_value)::text as total_value
       from histories h join members m using (customer_id)
       group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
      [fromDay, toDay, asOfDay, asOf],
    );
    return rows.map((r) => ({
      cohort: r.cohort,
      x: r.x,
      recencyDays: r.recency_days,
      ageDays: r.age_days,
      customers: r.customers,
      // Minor units to major: the models work in major units (toModelInput).
      sumOfMeanRepeatValues: Number(r.mean_values) / 100,
      totalValueMinor: BigInt(r.total_value),
    }));
  }
}
