import { DataSource } from 'typeorm';
import { ShopTime } from '../../common/shop-time';
import { countedOrder } from './order-spend.service';

export interface ProductCycleRow {
  customerId: string;
  productId: string;
  sku: string;
  name: string;
  category: string;
  purchaseDays: number;
  lastDay: string;
  averagePaidMinor: number;
  gaps: number[];
}

export interface AssociationRow {
  antecedentId: string;
  consequentId: string;
  support: number;
  confidence: number;
  lift: number;
  customers: number;
}

/** The product-affinity reads of the actions module (replenishment, recommendations, association mining). */
export class ProductAffinityQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shopTime: ShopTime,
  ) {}

  /**
   * Purchase cycles per customer and product: products bought on at least two distinct shop days, with the
   * days between those purchases (for the typical interval and its regularity) and the average paid.
   */
  async productCycles(customerIds: readonly string[] | null): Promise<ProductCycleRow[]> {
    return this.dataSource.query(
      `with days as (
         select l.customer_id, l.product_id, ${this.shopTime.daySql('o.placed_at')} as day, sum(l.line_total_minor) as paid
         from order_lines l join orders o on o.id = l.order_id and o.customer_id = l.customer_id
         where ${countedOrder('o')} and l.product_id is not null and ($1::uuid[] is null or l.customer_id = any($1::uuid[]))
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
  async productsBought(
    customerIds: readonly string[],
  ): Promise<{ customerId: string; productId: string }[]> {
    return this.dataSource.query(
      `select distinct customer_id as "customerId", product_id as "productId" from order_lines
       where customer_id = any($1::uuid[]) and product_id is not null`,
      [customerIds],
    );
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
         where ${countedOrder('o')} and l.product_id is not null group by 1, 2),
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
}
