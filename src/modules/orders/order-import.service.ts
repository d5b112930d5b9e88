import type { DomainEventBus } from '../../common/domain-events';
import { DataSource, EntityManager } from 'typeorm';
import { formatMinorUnits } from '../../common/money';
import { BadUserInputError } from '../../common/errors';
import { safeError } from '../../common/logger';
import { MAX_SOURCE_LENGTH } from './order.inputs';
import { CustomerService, IdentifierType } from '../customers';
import { OrderService } from './order.service';
import { OrderSpendService } from './order-spend.service';
import { ImportFormat, ParsedRow, readCdnow, readCsv } from './order-import.parsers';
import { ShopTime } from '../../common/shop-time';
import { OrderStatus, SalesChannel } from './order.types';

type GoodRow = Extract<ParsedRow, { ok: true }>;

export interface ImportOptions {
  format: ImportFormat;
  /** The system the file comes from: the source of its customer and order references. */
  source: string;
  channel?: SalesChannel;
  chunkSize?: number;
  onProgress?: (report: ImportReport) => void;
}

export interface ImportReport {
  rows: number;
  created: number;
  alreadyPresent: number;
  rejected: { line: number; message: string }[];
  customersTouched: number;
  /** Sum of the amounts of all accepted rows (created or already present), in major units. */
  acceptedAmount: string;
  currency: string;
}

const MAX_REPORTED_REJECTIONS = 1000;

/**
 * Streams a purchase log into orders, a chunk per transaction. A bad row is reported with its line
 * number and skipped; when a chunk fails as a whole, its rows are retried one by one so the fault
 * stays with the row that caused it.
 */
export class OrderImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrderService,
    private readonly spend: OrderSpendService,
    private readonly customers: CustomerService,
    private readonly shopTime: ShopTime,
    private readonly events: DomainEventBus,
  ) {}

  async importFile(file: string, options: ImportOptions): Promise<ImportReport> {
    if (!options.source || options.source.length > MAX_SOURCE_LENGTH) {
      throw new BadUserInputError(`The source must be 1 to ${MAX_SOURCE_LENGTH} characters`, {
        field: 'source',
      });
    }
    const currency = this.orders.shopCurrency;
    const report: ImportReport = {
      rows: 0,
      created: 0,
      alreadyPresent: 0,
      rejected: [],
      customersTouched: 0,
      acceptedAmount: '0',
      currency,
    };
    let accepted = 0n;
    const customers = new Set<string>();
    const reader =
      options.format === 'cdnow'
        ? readCdnow(file, currency, this.shopTime)
        : readCsv(file, currency, this.shopTime);
    let chunk: GoodRow[] = [];
    // An order reference names one order: a second row with it is rejected, not merged into the first (its line
    // would have been stored under the first row's header). One entry per accepted row for the whole file.
    const lineOfRef = new Map<string, number>();
    const flush = async () => {
      const result = await this.importChunk(chunk, options);
      report.created += result.created;
      report.alreadyPresent += result.alreadyPresent;
      result.customerIds.forEach((id) => customers.add(id));
      for (const failure of result.rejected) this.reject(report, failure.line, failure.message);
      accepted += result.acceptedMinor;
      report.customersTouched = customers.size;
      report.acceptedAmount = formatMinorUnits(accepted, currency);
      chunk = [];
      options.onProgress?.(report);
    };
    for await (const row of reader) {
      report.rows += 1;
      const first = row.ok ? lineOfRef.get(row.orderRef) : undefined;
      if (!row.ok) this.reject(report, row.line, row.message);
      else if (first !== undefined)
        this.reject(
          report,
          row.line,
          `order reference ${JSON.stringify(row.orderRef)} already appears on line ${first}`,
        );
      else {
        lineOfRef.set(row.orderRef, row.line);
        chunk.push(row);
      }
      if (chunk.length >= (options.chunkSize ?? 2000)) await flush();
    }
    if (chunk.length > 0) await flush();
    // The orders are committed by now; a failing handler is logged, and what it left stale is said there.
    await this.events.publishCommitted('orders.import_finished', { customerIds: [...customers] });
    return report;
  }

  private reject(report: ImportReport, line: number, message: string) {
    if (report.rejected.length < MAX_REPORTED_REJECTIONS) report.rejected.push({ line, message });
  }

  private async importChunk(rows: GoodRow[], options: ImportOptions) {
    try {
      return await this.dataSource.transaction((manager) => this.writeRows(manager, rows, options));
    } catch {
      const total = {
        created: 0,
        alreadyPresent: 0,
        acceptedMinor: 0n,
        customerIds: [] as string[],
        rejected: [] as { line: number; message: string }[],
      };
      for (const row of rows) {
        try {
          const one = await this.dataSource.transaction((manager) =>
            this.writeRows(manager, [row], options),
          );
          total.created += one.created;
          total.alreadyPresent += one.alreadyPresent;
          total.acceptedMinor += one.acceptedMinor;
          total.customerIds.push(...one.customerIds);
          total.rejected.push(...one.rejected);
        } catch (error) {
          // The driver's message can quote the row's values (and TypeORM's error carries the SQL): codes only.
          const { code, type } = safeError(error);
          total.rejected.push({
            line: row.line,
            message: `not stored: the database refused the row (${String(code ?? type)})`,
          });
        }
      }
      return total;
    }
  }

  private async writeRows(manager: EntityManager, rows: GoodRow[], options: ImportOptions) {
    const currency = this.orders.shopCurrency;
    const rejected: { line: number; message: string }[] = [];
    const skus = [...new Set(rows.map((r) => r.sku).filter((s): s is string => s !== null))];
    const products: { id: string; sku: string; category: string | null }[] = skus.length
      ? await manager.query('select id, sku, category from products where sku = any($1::text[])', [
          skus,
        ])
      : [];
    const productIdBySku = new Map(products.map((p) => [p.sku, p.id]));
    const categoryBySku = new Map(products.map((p) => [p.sku, p.category ?? null]));
    const good = rows.filter((r) => {
      if (r.sku && !productIdBySku.has(r.sku))
        rejected.push({ line: r.line, message: `unknown sku ${r.sku}` });
      return !r.sku || productIdBySku.has(r.sku);
    });
    const firstSeen = new Map<string, Date>();
    for (const r of good)
      if (!firstSeen.has(r.customerRef) || r.placedAt < firstSeen.get(r.customerRef)!)
        firstSeen.set(r.customerRef, r.placedAt);
    const refs = [...firstSeen].map(([value, signupAt]) => ({
      type: IdentifierType.SHOP_CUSTOMER_ID,
      source: options.source,
      value,
      signupAt,
    }));
    const customerIdByRef = await this.customers.ensureByReferences(manager, refs);
    const customerOf = (r: GoodRow) =>
      customerIdByRef.get(
        `${IdentifierType.SHOP_CUSTOMER_ID}\u0000${options.source}\u0000${r.customerRef}`,
      )!;
    const inserted: { id: string; external_ref: string }[] = await manager.query(
      `insert into orders (customer_id, source, external_ref, placed_at, status, channel, currency, gross_minor, net_minor, item_count)
       select c, $1, r, p, $2, $3, $4, a, a, q from unnest($5::uuid[], $6::text[], $7::timestamptz[], $8::bigint[], $9::int[]) as t(c, r, p, a, q)
       on conflict (source, external_ref) do nothing returning id, external_ref`,
      [
        options.source,
        OrderStatus.FULFILLED,
        options.channel ?? SalesChannel.WEB,
        currency,
        good.map(customerOf),
        good.map((r) => r.orderRef),
        good.map((r) => r.placedAt),
        good.map((r) => r.amountMinor.toString()),
        good.map((r) => r.quantity ?? 1),
      ],
    );
    const rowByRef = new Map(good.map((r) => [r.orderRef, r]));
    const withLines = inserted
      .map((o) => ({ o, r: rowByRef.get(o.external_ref)! }))
      .filter(({ r }) => r.sku);
    if (withLines.length > 0) {
      await manager.query(
        `insert into order_lines (customer_id, order_id, line_no, product_id, quantity, unit_price_minor, line_total_minor)
         select c, o, 1, p, q, t / q, t from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::bigint[]) as l(c, o, p, q, t)`,
        [
          withLines.map(({ r }) => customerOf(r)),
          withLines.map(({ o }) => o.id),
          withLines.map(({ r }) => productIdBySku.get(r.sku!)),
          withLines.map(({ r }) => r.quantity ?? 1),
          withLines.map(({ r }) => r.amountMinor.toString()),
        ],
      );
    }
    const customerIds = [...new Set(good.map(customerOf))];
    await this.customers.refreshOrderStats(manager, customerIds, (ids) =>
      this.spend.statsForCustomers(manager, ids),
    );
    await this.events.publish(manager, 'orders.imported', {
      customerIds,
      orderIds: inserted.map((o) => o.id),
      // The facts of each order the slice created, as order.recorded carries them (the import's own layout).
      orders: inserted.map(({ id, external_ref }) => {
        const r = rowByRef.get(external_ref)!;
        const quantity = r.quantity ?? 1;
        return {
          id,
          customerId: customerOf(r),
          source: options.source,
          externalRef: external_ref,
          status: OrderStatus.FULFILLED,
          channel: options.channel ?? SalesChannel.WEB,
          currency,
          placedAt: r.placedAt,
          grossMinor: r.amountMinor,
          discountMinor: 0n,
          netMinor: r.amountMinor,
          refundedMinor: 0n,
          itemCount: quantity,
          lines: r.sku
            ? [
                {
                  lineNo: 1,
                  sku: r.sku,
                  category: categoryBySku.get(r.sku) ?? null,
                  quantity,
                  unitMinor: r.amountMinor / BigInt(quantity),
                  totalMinor: r.amountMinor,
                  returnedQuantity: 0,
                  refundedMinor: 0n,
                },
              ]
            : [],
        };
      }),
    });
    return {
      created: inserted.length,
      alreadyPresent: good.length - inserted.length,
      acceptedMinor: good.reduce((sum, r) => sum + r.amountMinor, 0n),
      customerIds,
      rejected,
    };
  }
}
