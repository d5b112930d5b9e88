import { DataSource } from 'typeorm';
import { ShopTime } from '../../common/shop-time';
import { countedOrder, countedSpend } from './order-spend.service';

/** One cohort's average cumulative counted spend per customer, by month since acquisition (minor units). */
export interface CohortSpendRow {
  /** Month of first purchase, YYYY-MM. */
  cohort: string;
  customers: number;
  /** Index = months since acquisition (0 = the month of the first purchase). */
  averageCumulativeMinor: bigint[];
}

// The cohorts from the month of $1 to the month of $2 (both days): customers by the shop month (SHOP_TIME_ZONE) of
// their first counted order.
const cohortMembersSql = (shopTime: ShopTime) => `firsts as (
         select customer_id, date_trunc('month', ${shopTime.localSql('min(placed_at)')}) as cohort
         from orders where ${countedOrder()} group by customer_id),
       members as (
         select customer_id, cohort from firsts
         where cohort >= date_trunc('month', $1::date::timestamp) and cohort <= date_trunc('month', $2::date::timestamp))`;

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
        `with ${cohortMembersSql(this.shopTime)},
       sizes as (select cohort, count(*)::int as customers from members group by cohort),
       spend as (
         select m.cohort,
           ((extract(year from ${this.shopTime.localSql('o.placed_at')}) - extract(year from m.cohort)) * 12
             + extract(month from ${this.shopTime.localSql('o.placed_at')}) - extract(month from m.cohort))::int as month_offset,
           sum(${countedSpend('o')}) as spend
         from orders o join members m using (customer_id)
         where ${countedOrder('o')}
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

  /** The customers of the same cohorts, with their cohort (YYYY-MM). */
  async cohortMembers(
    fromDay: string,
    toDay: string,
  ): Promise<{ customerId: string; cohort: string }[]> {
    const rows: { customer_id: string; cohort: string }[] = await this.dataSource.query(
      `with ${cohortMembersSql(this.shopTime)}
       select customer_id, to_char(cohort, 'YYYY-MM') as cohort from members order by 2, 1`,
      [fromDay, toDay],
    );
    return rows.map((r) => ({ customerId: r.customer_id, cohort: r.cohort }));
  }
}
