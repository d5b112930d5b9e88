import { DataSource, EntityManager } from 'typeorm';
import { IdempotentRequest, runIdempotent } from '../../common/idempotency';
import { AppError, BadUserInputError, NotFoundError, toAppError } from '../../common/errors';
import { parseMoney } from '../../common/money';
import { toDatabaseId } from '../../common/relay';
import { CustomerService } from '../customers';
import { OrderService } from './order.service';
import { OrderSpendService } from './order-spend.service';
import { ProductInput, RecordOrderInput, RecordReturnInput } from './order.inputs';
import {
  Order,
  OrderLineRow,
  OrderRow,
  OrderStatus,
  Product,
  ProductRow,
  toOrder,
  toProduct,
} from './order.types';
import type { DomainEventBus } from '../../common/domain-events';
import { logger } from '../../common/logger';
import { orderFacts, ReturnedLineFacts } from './order.events';
import { validateArgument } from '../../common/validation';

export interface RecordOrderResult {
  order: Order;
  created: boolean;
}

export interface BatchItemResult {
  index: number;
  order: Order | null;
  created: boolean;
  error: AppError | null;
}

export const MAX_BATCH_ORDERS = 500;
export const MAX_PRODUCTS = 1000;

export class OrderWriterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderService,
    private readonly spend: OrderSpendService,
    private readonly customers: CustomerService,
    private readonly events: DomainEventBus,
  ) {}

  async upsertProducts(inputs: ProductInput[]): Promise<Product[]> {
    if (inputs.length === 0 || inputs.length > MAX_PRODUCTS) {
      throw new BadUserInputError(`Give 1 to ${MAX_PRODUCTS} products`, { field: 'products' });
    }
    const currency = this.orders.shopCurrency;
    const prices = inputs.map((p, i) =>
      parseMoney(p.unitPrice, currency, `products[${i}].unitPrice`).toString(),
    );
    if (new Set(inputs.map((p) => p.sku)).size !== inputs.length) {
      throw new BadUserInputError('Each sku may appear once', { field: 'products' });
    }
    // In a transaction, so the request's audit row commits with it (see ReplicatedDataSource.transaction).
    const rows: ProductRow[] = await this.dataSource.transaction((manager) =>
      manager.query(
        `insert into products (sku, name, category, unit_price_minor, currency)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
       on conflict (sku) do update set name = excluded.name, category = excluded.category,
         unit_price_minor = excluded.unit_price_minor, currency = excluded.currency
       returning *`,
        [
          inputs.map((p) => p.sku),
          inputs.map((p) => p.name),
          inputs.map((p) => p.category),
          prices,
          inputs.map(() => currency),
        ],
      ),
    );
    return rows.map(toProduct);
  }

  async recordOrder(input: RecordOrderInput): Promise<RecordOrderResult> {
    return this.dataSource.transaction((manager) => this.recordOrderIn(manager, input));
  }

  /**
   * Each order in its own transaction, with one result per order whatever fails: an invalid order is reported with its
   * index (its input is validated here, not as a whole argument), and so is an internal error. Once the database is
   * unreachable the remaining orders are answered SERVICE_UNAVAILABLE without being tried, so a batch during an
   * outage answers at once rather than after a connection timeout per order; recording is idempotent, so the client
   * sends the failed ones again.
   */
  async recordOrders(inputs: RecordOrderInput[]): Promise<BatchItemResult[]> {
    if (inputs.length > MAX_BATCH_ORDERS) {
      throw new BadUserInputError(`At most ${MAX_BATCH_ORDERS} orders per batch`, {
        field: 'orders',
      });
    }
    const results: BatchItemResult[] = [];
    let unavailable: AppError | null = null;
    for (const [index, input] of inputs.entries()) {
      if (unavailable) {
        results.push({ index, order: null, created: false, error: unavailable });
        continue;
      }
      try {
        await validateArgument(input);
        const { order, created } = await this.recordOrder(input);
        results.push({ index, order, created, error: null });
      } catch (error) {
        const appError = toAppError(error);
        if (appError.extensions.code === 'INTERNAL_SERVER_ERROR')
          logger.error({ err: error, index }, 'orders: one order of a batch failed');
        if (appError.extensions.code === 'SERVICE_UNAVAILABLE') unavailable = appError;
        results.push({ index, order: null, created: false, error: appError });
      }
    }
    return results;
  }

  private async recordOrderIn(
    manager: EntityManager,
    input: RecordOrderInput,
  ): Promise<RecordOrderResult> {
    const currency = this.orders.shopCurrency;
    if (input.currency !== currency) {
      throw new BadUserInputError(`Orders must be in the shop currency ${currency}`, {
        field: 'currency',
      });
    }
    const customerId = await this.resolveCustomer(manager, input);
    const lines = await this.priceLines(manager, input);
    const gross =
      lines.length > 0
        ? lines.reduce((sum, l) => sum + l.totalMinor, 0n)
        : this.grossWithoutLines(input);
    const discount = parseMoney(input.discount, currency, 'discount');
    if (discount > gross)
      throw new BadUserInputError('discount is larger than the order amount', {
        field: 'discount',
      });
    const itemCount =
      lines.length > 0 ? lines.reduce((sum, l) => sum + l.quantity, 0) : (input.itemCount ?? 1);
    const inserted: OrderRow[] = await manager.query(
      `insert into orders (customer_id, source, external_ref, placed_at, status, channel, currency, gross_minor,
         discount_minor, net_minor, item_count)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8::bigint - $9::bigint, $10)
       on conflict (source, external_ref) do nothing returning *`,
      [
        customerId,
        input.source,
        input.externalRef,
        input.placedAt,
        input.status,
        input.channel,
        currency,
        gross.toString(),
        discount.toString(),
        itemCount,
      ],
    );
    if (inserted.length === 0) {
      const [existing]: OrderRow[] = await manager.query(
        'select * from orders where source = $1 and external_ref = $2',
        [input.source, input.externalRef],
      );
      return { order: toOrder(existing), created: false };
    }
    const order = inserted[0];
    if (lines.length > 0) {
      await manager.query(
        `insert into order_lines (customer_id, order_id, line_no, product_id, quantity, unit_price_minor, line_total_minor)
         select $1, $2, n, p, q, u, t from unnest($3::int[], $4::uuid[], $5::int[], $6::bigint[], $7::bigint[]) as l(n, p, q, u, t)`,
        [
          customerId,
          order.id,
          lines.map((_, i) => i + 1),
          lines.map((l) => l.productId),
          lines.map((l) => l.quantity),
          lines.map((l) => l.unitMinor.toString()),
          lines.map((l) => l.totalMinor.toString()),
        ],
      );
    }
    await this.refreshRollUp(manager, customerId);
    await this.events.publish(manager, 'order.recorded', {
      order: orderFacts(
        order,
        lines.map((l, i) => ({
          line_no: i + 1,
          quantity: l.quantity,
          unit_price_minor: l.unitMinor.toString(),
          line_total_minor: l.totalMinor.toString(),
          returned_quantity: 0,
          refunded_minor: '0',
          sku: l.sku,
          category: l.category,
        })),
      ),
    });
    return { order: toOrder(order), created: true };
  }

  async recordReturn(
    input: RecordReturnInput,
    idempotency: IdempotentRequest | null = null,
  ): Promise<Order> {
    const orderId = toDatabaseId(input.orderId, 'Order', 'orderId');
    const lineIds = input.lines.map((l, i) =>
      toDatabaseId(l.orderLineId, 'OrderLine', `lines[${i}].orderLineId`),
    );
    if (new Set(lineIds).size !== lineIds.length)
      throw new BadUserInputError('Each line may appear once', { field: 'lines' });
    const returned = await this.dataSource.transaction((manager) =>
      runIdempotent(
        manager,
        idempotency,
        async () => {
          const [order]: OrderRow[] = await manager.query(
            'select * from orders where id = $1 for update',
            [orderId],
          );
          if (!order) throw new NotFoundError('Order', input.orderId);
          if (order.status === OrderStatus.CANCELLED)
            throw new BadUserInputError('A cancelled order cannot be returned', {
              field: 'orderId',
            });
          const lines: (OrderLineRow & { sku: string | null; category: string | null })[] =
            await manager.query(
              `select l.*, p.sku, p.category from order_lines l left join products p on p.id = l.product_id
               where l.order_id = $1 order by l.line_no`,
              [orderId],
            );
          const returnedLines: ReturnedLineFacts[] = [];
          const byId = new Map(lines.map((l) => [l.id, l]));
          const paid = paidPerLine(lines, BigInt(order.gross_minor), BigInt(order.net_minor));
          let refundTotal = 0n;
          for (const [i, item] of input.lines.entries()) {
            const line = byId.get(lineIds[i]);
            if (!line)
              throw new BadUserInputError('The line is not part of this order', {
                field: `lines[${i}].orderLineId`,
              });
            if (item.quantity > line.quantity - line.returned_quantity) {
              throw new BadUserInputError(
                `Only ${line.quantity - line.returned_quantity} units are left to return`,
                { field: `lines[${i}].quantity` },
              );
            }
            const linePaid = paid.get(line.id)!;
            const lastUnits = line.returned_quantity + item.quantity === line.quantity;
            // The last units refund what is left of the line, so a full return refunds exactly what was paid.
            const refund =
              item.refund != null
                ? parseMoney(item.refund, order.currency, `lines[${i}].refund`)
                : lastUnits
                  ? linePaid - BigInt(line.refunded_minor)
                  : (linePaid * BigInt(item.quantity)) / BigInt(line.quantity);
            line.refunded_minor = (BigInt(line.refunded_minor) + refund).toString();
            refundTotal += refund;
            await manager.query(
              `insert into order_returns (customer_id, order_id, order_line_id, quantity, refund_minor, reason, returned_at)
           values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()))`,
              [
                order.customer_id,
                orderId,
                line.id,
                item.quantity,
                refund.toString(),
                input.reason ?? null,
                input.returnedAt ?? null,
              ],
            );
            await manager.query(
              'update order_lines set returned_quantity = returned_quantity + $2, refunded_minor = refunded_minor + $3 where id = $1',
              [line.id, item.quantity, refund.toString()],
            );
            line.returned_quantity += item.quantity;
            returnedLines.push({
              lineNo: line.line_no,
              quantity: item.quantity,
              refundMinor: refund,
            });
          }
          if (BigInt(order.refunded_minor) + refundTotal > BigInt(order.net_minor)) {
            throw new BadUserInputError('Refunds would exceed what was paid for the order', {
              field: 'lines',
            });
          }
          const allBack =
            lines.length > 0 && lines.every((l) => l.returned_quantity === l.quantity);
          // TypeORM answers an UPDATE with [rows, affected].
          const [[updated]]: [OrderRow[], number] = await manager.query(
            `update orders set refunded_minor = refunded_minor + $2, status = $3, updated_at = now() where id = $1 returning *`,
            [
              orderId,
              refundTotal.toString(),
              allBack ? OrderStatus.RETURNED : OrderStatus.PARTIALLY_RETURNED,
            ],
          );
          await this.refreshRollUp(manager, order.customer_id);
          await this.events.publish(manager, 'order.returned', {
            order: orderFacts(updated, lines),
            refundMinor: refundTotal,
            reason: input.reason ?? null,
            returnedAt: input.returnedAt ?? new Date(),
            lines: returnedLines,
          });
          return toOrder(updated);
        },
        { customerOf: (order) => order.customerId },
      ),
    );
    return returned;
  }

  /** The customer's order roll-up, in the order's transaction (filters and sorts read it). */
  private async refreshRollUp(manager: EntityManager, customerId: string) {
    await this.customers.refreshOrderStats(manager, [customerId], (ids) =>
      this.spend.statsForCustomers(manager, ids),
    );
  }

  private async resolveCustomer(manager: EntityManager, input: RecordOrderInput): Promise<string> {
    const { id, identifierType, identifierSource, identifierValue } = input.customer;
    const byIdentifier =
      identifierType != null || identifierSource != null || identifierValue != null;
    if (
      (id != null) === byIdentifier ||
      (byIdentifier && !(identifierType && identifierSource && identifierValue))
    ) {
      throw new BadUserInputError(
        'Give the customer id, or identifierType, identifierSource and identifierValue',
        { field: 'customer' },
      );
    }
    if (id != null) {
      const customerId = toDatabaseId(id, 'Customer', 'customer.id');
      await this.customers.getByIdOrThrow(customerId, manager);
      return customerId;
    }
    const ref = {
      type: identifierType!,
      source: identifierSource!,
      value: identifierValue!.trim(),
      signupAt: input.placedAt,
    };
    const ids = await this.customers.ensureByReferences(manager, [ref]);
    return [...ids.values()][0];
  }

  private grossWithoutLines(input: RecordOrderInput): bigint {
    if (input.gross == null) throw new BadUserInputError('Give lines or gross', { field: 'gross' });
    return parseMoney(input.gross, input.currency, 'gross');
  }

  private async priceLines(manager: EntityManager, input: RecordOrderInput) {
    const lines = input.lines ?? [];
    if (lines.length > 0 && input.gross != null)
      throw new BadUserInputError('Give lines or gross, not both', { field: 'gross' });
    if (lines.length === 0) return [];
    const products: { id: string; sku: string; category: string | null }[] = await manager.query(
      'select id, sku, category from products where sku = any($1::text[])',
      [lines.map((l) => l.sku)],
    );
    const bySku = new Map(products.map((p) => [p.sku, p]));
    return lines.map((line, i) => {
      const product = bySku.get(line.sku);
      if (!product)
        throw new BadUserInputError(`Unknown sku ${line.sku}`, { field: `lines[${i}].sku` });
      const unitMinor = parseMoney(line.unitPrice, input.currency, `lines[${i}].unitPrice`);
      return {
        productId: product.id,
        sku: product.sku,
        category: product.category,
        quantity: line.quantity,
        unitMinor,
        totalMinor: unitMinor * BigInt(line.quantity),
      };
    });
  }
}

/**
 * What the customer paid for each line: the order discount spread by line value, rounded down,
 * with the rounding remainder on the last line so that the lines add up to the order's net.
 */
function paidPerLine(
  lines: OrderLineRow[],
  grossMinor: bigint,
  netMinor: bigint,
): Map<string, bigint> {
  const paid = new Map<string, bigint>();
  let allocated = 0n;
  lines.forEach((line, i) => {
    const share =
      i === lines.length - 1
        ? netMinor - allocated
        : grossMinor === 0n
          ? 0n
          : (BigInt(line.line_total_minor) * netMinor) / grossMinor;
    allocated += share;
    paid.set(line.id, share);
  });
  return paid;
}
