import { OrderFacts, orderFacts } from './order.events';
import { DataSource, EntityManager } from 'typeorm';
import { alignToKeys, groupToKeys } from '../../common/loaders';
import { fetchNestedPages, mapPage, NestedPageSpec } from '../../common/nested-pages';
import { ConnectionArgs, Page } from '../../common/pagination';
import { toNumber } from '../../common/sql';
import { isUuid } from '../../common/relay';
import { CustomerOrdersArgs } from './order.inputs';
import {
  Order,
  OrderLine,
  OrderLineRow,
  OrderReturn,
  OrderReturnRow,
  OrderRow,
  Product,
  ProductRow,
  toOrder,
  toOrderLine,
  toOrderReturn,
  toProduct,
} from './order.types';

/** A customer's orders page: newest first; shared by the loader and the compiled reads. */
export const CUSTOMER_ORDERS_PAGE: NestedPageSpec<CustomerOrdersArgs> = {
  table: 'orders',
  parentColumn: 'customer_id',
  keys: [
    { sql: 't.placed_at', cast: 'timestamptz' },
    { sql: 't.id', cast: 'uuid' },
  ],
  descending: true,
  where: (a, params) =>
    a.statuses?.length ? [`t.status = any(${params.add(a.statuses, 'text[]')})`] : [],
};

/** The module's own reads: orders, lines, returns and products (the loaders' batches), earning's and export's rows. */
export class OrderService {
  constructor(
    private readonly dataSource: DataSource,
    readonly shopCurrency: string,
  ) {}

  /** The loaders' batch: reads outside any write. Inside a write use findByIdsIn with its manager. */
  async findByIds(ids: readonly string[]): Promise<(Order | null)[]> {
    return this.findByIdsIn(this.dataSource.manager, ids);
  }

  async findByIdsIn(manager: EntityManager, ids: readonly string[]): Promise<(Order | null)[]> {
    const rows: OrderRow[] = await manager.query(
      'select * from orders where id = any($1::uuid[])',
      [ids.filter(isUuid)],
    );
    return alignToKeys(ids, rows.map(toOrder), (o) => o.databaseId);
  }

  async productIdBySku(sku: string): Promise<string | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      'select id from products where sku = $1',
      [sku],
    );
    return rows[0]?.id ?? null;
  }

  /** The loaders' batch: reads outside any write. Inside a write use productsByIdsIn with its manager. */
  async productsByIds(ids: readonly string[]): Promise<(Product | null)[]> {
    return this.productsByIdsIn(this.dataSource.manager, ids);
  }

  async productsByIdsIn(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<(Product | null)[]> {
    const rows: ProductRow[] = await manager.query(
      'select * from products where id = any($1::uuid[])',
      [ids.filter(isUuid)],
    );
    return alignToKeys(ids, rows.map(toProduct), (p) => p.databaseId);
  }

  async returnsByIds(ids: readonly string[]): Promise<(OrderReturn | null)[]> {
    const rows: OrderReturnRow[] = await this.dataSource.query(
      'select * from order_returns where id = any($1::uuid[])',
      [ids.filter(isUuid)],
    );
    return alignToKeys(
      ids,
      rows.map((r) => toOrderReturn(r, this.shopCurrency)),
      (r) => r.databaseId,
    );
  }

  /** Keyed by customer and order, so the lookup uses the index that leads with customer_id. */
  async linesByOrders(
    keys: readonly { customerId: string; orderId: string }[],
  ): Promise<OrderLine[][]> {
    // Each line comes with its product: a page of orders shows both, and one statement is cheaper than two.
    const rows: (OrderLineRow & { product: ProductRow | null })[] = await this.dataSource.query(
      `select l.*, case when p.id is null then null else json_build_object('id', p.id, 'sku', p.sku, 'name', p.name, 'category', p.category,
         'unit_price_minor', p.unit_price_minor::text, 'currency', p.currency) end as product
       from order_lines l left join products p on p.id = l.product_id
       where l.customer_id = any($1::uuid[]) and l.order_id = any($2::uuid[]) order by l.order_id, l.line_no`,
      [[...new Set(keys.map((k) => k.customerId))], keys.map((k) => k.orderId)],
    );
    const withProducts = rows.map((r) =>
      toOrderLine(r, this.shopCurrency, r.product ? toProduct(r.product) : null),
    );
    const lines = groupToKeys(
      keys.map((k) => k.orderId),
      withProducts,
      (l) => l.orderId,
    );
    return lines;
  }

  async returnsByOrderIds(orderIds: readonly string[]): Promise<OrderReturn[][]> {
    const rows: OrderReturnRow[] = await this.dataSource.query(
      'select * from order_returns where order_id = any($1::uuid[]) order by order_id, returned_at, id',
      [orderIds],
    );
    return groupToKeys(
      orderIds,
      rows.map((r) => toOrderReturn(r, this.shopCurrency)),
      (r) => r.orderId,
    );
  }

  async pagesByCustomerIds(
    customerIds: readonly string[],
    args: CustomerOrdersArgs,
    countOf: (id: string) => Promise<number>,
  ): Promise<Page<Order>[]> {
    const pages = await fetchNestedPages<OrderRow, CustomerOrdersArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        ...CUSTOMER_ORDERS_PAGE,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.placed_at.toISOString(), row.id],
      },
      customerIds,
      args,
      countOf,
    );
    return pages.map((page) => mapPage(page, toOrder));
  }

  async returnPagesByCustomerIds(
    customerIds: readonly string[],
    args: ConnectionArgs,
    countOf: (id: string) => Promise<number>,
  ): Promise<Page<OrderReturn>[]> {
    const pages = await fetchNestedPages<OrderReturnRow, ConnectionArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        table: 'order_returns',
        parentColumn: 'customer_id',
        keys: [
          { sql: 't.returned_at', cast: 'timestamptz' },
          { sql: 't.id', cast: 'uuid' },
        ],
        descending: true,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [row.returned_at.toISOString(), row.id],
      },
      customerIds,
      args,
      countOf,
    );
    return pages.map((page) => mapPage(page, (r) => toOrderReturn(r, this.shopCurrency)));
  }

  async countReturnsByCustomerIds(customerIds: readonly string[]): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      'select customer_id, count(*) from order_returns where customer_id = any($1::uuid[]) group by customer_id',
      [customerIds],
    );
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  async countByCustomerIds(
    customerIds: readonly string[],
    statuses: string[] | null,
  ): Promise<number[]> {
    const rows: { customer_id: string; count: string }[] = await this.dataSource.query(
      `select customer_id, count(*) from orders where customer_id = any($1::uuid[])
       and ($2::text[] is null or status = any($2::text[])) group by customer_id`,
      [customerIds, statuses],
    );
    return alignToKeys(customerIds, rows, (r) => r.customer_id).map((r) => toNumber(r?.count));
  }

  /** An order with what earning rules need of its lines: the paid share, the product's sku and category. */
  /** An order with its lines as its events carry it (OrderFacts), for work that replays past orders. */
  async orderFacts(manager: EntityManager, orderId: string): Promise<OrderFacts | null> {
    const [order]: OrderRow[] = await manager.query('select * from orders where id = $1', [
      orderId,
    ]);
    if (!order) return null;
    const lines = await manager.query(
      `select l.*, p.sku, p.category from order_lines l left join products p on p.id = l.product_id
       where l.customer_id = $1 and l.order_id = $2 order by l.line_no`,
      [order.customer_id, orderId],
    );
    return orderFacts(order, lines);
  }

  /** Order ids in id order after a given one, for replays over the whole history. */
  async orderIdsAfter(afterId: string | null, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      'select id from orders where ($1::uuid is null or id > $1) order by id limit $2',
      [afterId, limit],
    );
    return rows.map((r) => r.id);
  }

  async exportRows(customerId: string) {
    return {
      orders: await this.dataSource.query(
        'select * from orders where customer_id = $1 order by placed_at',
        [customerId],
      ),
      orderLines: await this.dataSource.query(
        'select * from order_lines where customer_id = $1 order by order_id, line_no',
        [customerId],
      ),
      returns: await this.dataSource.query(
        'select * from order_returns where customer_id = $1 order by returned_at',
        [customerId],
      ),
    };
  }
}
