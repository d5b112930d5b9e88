import { DataSource } from 'typeorm';
import { fetchNestedPages, mapPage } from '../../common/nested-pages';
import { Page } from '../../common/pagination';
import {
  MetricsChange,
  MetricsHistoryArgs,
  MetricsHistoryRow,
  toMetricsChange,
} from './metrics-history.types';

/** Reads customer_metrics_history (MetricsStoreService writes it with the stored metrics). */
export class MetricsHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly currency: string,
  ) {}

  /** One statement for the pages of many customers, newest first by (as_of, id), on the page index. */
  async pagesByCustomerIds(
    customerIds: readonly string[],
    args: MetricsHistoryArgs,
    countOf: (id: string) => Promise<number>,
  ): Promise<Page<MetricsChange>[]> {
    const pages = await fetchNestedPages<MetricsHistoryRow, MetricsHistoryArgs>(
      {
        query: (sql, params) => this.dataSource.query(sql, params),
        table: 'customer_metrics_history',
        parentColumn: 'customer_id',
        keys: [
          { sql: 't.as_of', cast: 'timestamptz' },
          { sql: 't.id', cast: 'bigint' },
        ],
        descending: true,
        parentIdOf: (row) => row.customer_id,
        cursorOf: (row) => [new Date(row.as_of).toISOString(), String(row.id)],
      },
      customerIds,
      args,
      countOf,
    );
    return pages.map((page) => mapPage(page, (row) => toMetricsChange(row, this.currency)));
  }

  async countByCustomerIds(customerIds: readonly string[]): Promise<number[]> {
    const rows: { customer_id: string; count: number }[] = await this.dataSource.query(
      'select customer_id, count(*)::int as count from customer_metrics_history where customer_id = any($1::uuid[]) group by 1',
      [customerIds],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, r.count]));
    return customerIds.map((id) => byId.get(id) ?? 0);
  }

  /** A customer's history for a data export (Art. 15/20), newest first. */
  async exportRows(customerId: string): Promise<MetricsHistoryRow[]> {
    return this.dataSource.query(
      'select * from customer_metrics_history where customer_id = $1 order by as_of desc, id desc',
      [customerId],
    );
  }
}
